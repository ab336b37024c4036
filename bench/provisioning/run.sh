#!/usr/bin/env bash
# Runs the provisioning benchmark on a throw-away local cluster (its own data
# dir, deleted afterwards: removing hundreds of namespaces is slow).
#   KNOT_BENCH_CLUSTER_DIR   data dir of the throw-away cluster
#   KNOT_APISERVER_PORT      its API server port (optional)
#   KNOT_BENCH_SIZES         default 10,100,500
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$root/scripts/lib.sh"
export KNOT_CLUSTER_DIR="${KNOT_BENCH_CLUSTER_DIR:-${KNOT_CACHE_DIR:-$HOME/.cache/knot}/cluster/bench-provisioning}"
trap '"$root/dev/cluster/cluster.sh" down >/dev/null 2>&1 || true' EXIT
"$root/dev/cluster/cluster.sh" up >/dev/null
eval "$("$root/dev/cluster/cluster.sh" env)"
echo "cluster: $(kubectl version -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).serverVersion.gitVersion))'), $(nproc) cores"
cd "$root/plugins/knot-backend"
node --require @backstage/cli/config/nodeTransform.cjs "$root/bench/provisioning/bench.ts"
