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
    # TLS with a certificate for 127.0.0.1 from a throwaway authority (the tests of sslmode=require and
    # verify-full trust it through PARK_ATLAS_TEST_PG_CA); plain connections stay allowed.
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Park Atlas test CA" \
      -keyout "$dir/ca.key" -out "$dir/ca.pem" >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
      -keyout "$dir/data/server.key" -out "$dir/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$dir/ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
      -days 2 -extfile "$dir/ext" -out "$dir/data/server.crt" >/dev/null 2>&1
    chown postgres "$dir/data/server.key" "$dir/data/server.crt"
    chmod 600 "$dir/data/server.key"
    # One role must give a password (the tests of the password file): before the trust lines.
    sed -i '1i host all pa_password_user 127.0.0.1/32 scram-sha-256' "$dir/data/pg_hba.conf"
    chown postgres "$dir/data/server.key" "$dir/data/server.crt"
    chmod 600 "$dir/data/server.key"
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c ssl=on" \
      start >/dev/null
    as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc 'CREATE EXTENSION postgis' >/dev/null
    echo "export DATABASE_URL=postgresql://postgres@127.0.0.1:$port/postgres PARK_ATLAS_TEST_PG_DIR=$dir PARK_ATLAS_TEST_PG_CA=$dir/ca.pem"
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
