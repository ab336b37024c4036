#!/usr/bin/env bash
# Micro-benchmark of one blob push to distribution, in several ways
# (RegistryClient as the portal does, fetch PATCH as it did, node:http PATCH,
# node:http monolithic PUT, curl monolithic PUT), interleaved with `crane push` of a one-layer image
# holding the same blob, in the same run. Prints MiB/s, the ratio to crane
# and the CPU seconds of node and of the registry per push.
#
#   bench/images/blob.sh [size-MiB]   (default 256; env ROUNDS, default 3;
#                                      WAYS=fetch-patch,http-put,... to choose)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$KNOT_ROOT"
# shellcheck source=../../dev/cluster/versions.env
source <(grep -E '^(DISTRIBUTION|REGISTRY)_VERSION=' dev/cluster/versions.env | sed 's/ *#.*//')
source dev/cluster/lib/registry.sh
crane="$KNOT_CACHE_DIR/bin/crane-$REGISTRY_VERSION/crane"
[ -x "$crane" ] && [ -x "$DISTRIBUTION_BIN/registry" ] || {
  echo "crane and distribution's registry are built by dev/cluster/cluster.sh build" >&2; exit 1; }

dir="$(mkdir -p "${KNOT_BENCH_DIR:-$KNOT_RUN_DIR/bench-blob}" && cd "${KNOT_BENCH_DIR:-$KNOT_RUN_DIR/bench-blob}" && pwd)"
rm -rf "${dir:?}"/* && mkdir -p "$dir/registry"
registry_port="$(registry_free_port)"
registry_serve_tmp "$registry_port" "$dir/registry"
uptime
node --require "$KNOT_ROOT/node_modules/@backstage/cli/config/nodeTransform.cjs" \
  bench/images/blob.ts --dir "$dir" --size-mib "${1:-256}" --rounds "${ROUNDS:-3}" \
  --registry "127.0.0.1:$registry_port" --registry-pid "$REGISTRY_TMP_PID" --crane "$crane" \
  ${WAYS:+--ways "$WAYS"}
uptime
