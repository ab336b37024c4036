#!/usr/bin/env bash
# bench/services: deploys the hello-kubernetes chart through knot:helm:install
# (the scaffolder action asking the knot plugin, as in the portal) and with
# bare `helm install`, interleaved in the same run against the local cluster,
# and prints both medians and their ratio (goal <= 1.1x).
#   KNOT_CLUSTER_DIR / KNOT_APISERVER_PORT   which cluster (started if down)
#   KNOT_BENCH_ROUNDS                        rounds per side (default 5)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$KNOT_ROOT"
started=no
if ! dev/cluster/cluster.sh status >/dev/null 2>&1; then started=yes; fi
dev/cluster/cluster.sh up >/dev/null
eval "$(dev/cluster/cluster.sh env)"
export KUBECONFIG
trap '[ "$started" = yes ] && dev/cluster/cluster.sh down >/dev/null' EXIT
KNOT_BENCH=1 CI=true yarn backstage-cli repo test \
  plugins/scaffolder-backend-module-knot/src/helmInstall.bench.test.ts 2>&1 |
  sed -n '/bench\/services:/,/ratio/p' | sed 's/^ *console.log//'
