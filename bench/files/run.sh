#!/usr/bin/env bash
# Benchmarks the file API of the real Knot backend (all plugins, guest
# sign-in, Backstage auth on every request) against `cp` on the same disk,
# in the same run:
#   - 1 GiB upload and 1 GiB download through the backend (HTTP, loopback),
#   - `cp` of the same file, with and without fsync (uploads fsync),
#   - peak backend RSS growth during the transfers,
#   - listing a 10,000-entry folder.
# Prints the figures and their ratios. Not a test: it passes or fails nothing.
#
#   bench/files/run.sh [size-MiB]      (default 1024)
# Environment: KNOT_BENCH_PORT (default $KNOT_BACKEND_PORT or 7401),
#              KNOT_BENCH_DIR  (default .knot/bench-files, same disk as the repo)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$KNOT_ROOT"
knot_install_deps
knot_apt_ensure nginx nginx curl curl

size_mib="${1:-1024}"
port="${KNOT_BENCH_PORT:-${KNOT_BACKEND_PORT:-7401}}"
dir="$(mkdir -p "${KNOT_BENCH_DIR:-$KNOT_RUN_DIR/bench-files}" && cd "${KNOT_BENCH_DIR:-$KNOT_RUN_DIR/bench-files}" && pwd)"
rm -rf "${dir:?}"/* && mkdir -p "$dir/storage/private" "$dir/storage/shared" "$dir/sqlite" "$dir/local"

cat >"$dir/app-config.bench.yaml" <<YAML
backend:
  baseUrl: http://localhost:$port
  listen:
    port: $port
  database:
    connection:
      directory: $dir/sqlite
auth:
  providers:
    # production mode (as deployed) on loopback, signed in as guest.
    guest:
      dangerouslyAllowOutsideDevelopment: true
knot:
  kubernetes:
    kubeconfig: /nonexistent/kubeconfig
  storage:
    privateDir: $dir/storage/private
    sharedDir: $dir/storage/shared
YAML

say "starting the Knot backend on port $port"
(cd packages/backend && NODE_ENV=production exec setsid node \
  --require "$KNOT_ROOT/node_modules/@backstage/cli/config/nodeTransform.cjs" \
  src/index.ts --config "$KNOT_ROOT/app-config.yaml" --config "$KNOT_ROOT/app-config.development.yaml" \
  --config "$dir/app-config.bench.yaml" \
  >"$dir/backend.log" 2>&1) &
backend=$!
trap 'knot_kill_group "$backend"' EXIT
if ! knot_wait_http "http://localhost:$port/.backstage/health/v1/readiness" 240; then
  tail -40 "$dir/backend.log"; exit 1
fi
# The node process itself (setsid made it the group leader).
pid="$(pgrep -g "$backend" -f 'src/index.ts' | head -1)"

node bench/files/bench.mjs --port "$port" --pid "$pid" --dir "$dir" --size-mib "$size_mib" --rounds "${ROUNDS:-3}"
