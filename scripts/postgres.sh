#!/usr/bin/env bash
# A throw-away PostgreSQL server from Debian's packages for the test suites.
#   postgres.sh start <dir>   initdb + start on 127.0.0.1, prints the URL
#   postgres.sh stop <dir>    stop it and remove <dir>
#   postgres.sh major         the installed major version
set -euo pipefail
port="${KNOT_TEST_POSTGRES_PORT:-25432}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

# PostgreSQL refuses to run as root: use its own system user then.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    dir="$2"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 >"$dir/initdb.log" 2>&1
    # KNOT_POSTGRES_LISTEN adds addresses (e.g. the local node's bridge, for
    # pods): clients on those directly connected networks are trusted too.
    listen="${KNOT_POSTGRES_LISTEN:-127.0.0.1}"
    [ "$listen" != 127.0.0.1 ] && echo "host all all samenet trust" >>"$dir/data/pg_hba.conf"
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=$listen -c fsync=off -c max_connections=200" start >/dev/null
    echo "postgresql://postgres@127.0.0.1:$port"
    ;;
  stop)
    dir="$2"
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  major)
    basename "$(dirname "$bin")"
    ;;
  *)
    echo "usage: $0 start <dir> | stop <dir> | major" >&2
    exit 2
    ;;
esac
