#!/usr/bin/env bash
# The test command (README, CI): installs what the tests use (scripts/setup-debian.sh --ci),
# starts a throwaway PostgreSQL + PostGIS server on 127.0.0.1 for the team store's tests
# (DATABASE_URL; stopped and removed at the end), and runs `cargo test` with any arguments given.
# Where the machine allows it (root, unshare), the tests run in a network namespace of their own
# with only a loopback: a test that reaches beyond 127.0.0.1 fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh --ci
cargo test --no-run "$@"
args=$(printf ' %q' "$@")
with_pg="eval \"\$(scripts/pg-test-server.sh start)\" && trap 'scripts/pg-test-server.sh stop \$PARK_ATLAS_TEST_PG_DIR' EXIT && cargo test --offline$args"
if [[ $(id -u) -eq 0 ]] && command -v unshare >/dev/null && command -v ip >/dev/null && unshare -n true 2>/dev/null; then
  echo "running the tests without a network (loopback only)"
  unshare -n bash -c "ip link set lo up && $with_pg"
elif [[ $(id -u) -eq 0 ]]; then
  bash -c "$with_pg"
else
  echo "not root: no throwaway PostgreSQL server (the team-store tests are skipped unless DATABASE_URL is set)"
  cargo test "$@"
fi
