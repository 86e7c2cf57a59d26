#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + PostGIS server on 127.0.0.1 for the team-store tests (issue 20):
# a new cluster in a temporary folder, owned by the `postgres` user, on a free port.
#
#   scripts/pg-test-server.sh start    prints `export DATABASE_URL=postgresql://…` (eval it)
#   scripts/pg-test-server.sh stop DIR stops the server started in DIR and removes DIR
#
# Run it in the same network namespace as the tests (CI runs them loopback-only with
# `unshare -n`: a server started outside would not be reachable from inside).
# Needs: postgresql-15, postgresql-15-postgis-3 (Debian), and root (to run as `postgres`).
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
as_pg() { if [[ $(id -un) == postgres ]]; then "$@"; else runuser -u postgres -- "$@"; fi; }

case ${1:-} in
  start)
    dir=$(mktemp -d /tmp/park-atlas-pg.XXXXXX)
    chown postgres "$dir"
    port=$((20000 + RANDOM % 20000))
    as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" \
      start >/dev/null
    as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc 'CREATE EXTENSION postgis' >/dev/null
    echo "export DATABASE_URL=postgresql://postgres@127.0.0.1:$port/postgres PARK_ATLAS_TEST_PG_DIR=$dir"
    ;;
  stop)
    dir=${2:?usage: pg-test-server.sh stop DIR}
    as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    sed -n '2,10p' "$0"
    exit 2
    ;;
esac
