#!/usr/bin/env bash
# Runs the Knot admission webhook next to the local cluster (dev/cluster) and
# registers it with the API server:
#   packages/knot-webhook/dev/webhook.sh up     dev CA + certificate, start the
#                                             webhook on 127.0.0.1, apply the
#                                             webhook configurations
#   packages/knot-webhook/dev/webhook.sh down   delete the configurations, stop it
# Uses the cluster of KNOT_CLUSTER_DIR (as dev/cluster/cluster.sh does).
# Env: KNOT_WEBHOOK_PORT (default 9443), KNOT_WEBHOOK_CONFIG (a config file),
# KNOT_WEBHOOK_MAIN (a main.js bundled by dev/bundle.sh, run as the image
# runs it, instead of the source with the on-the-fly transform), and any other
# KNOT_WEBHOOK_* setting (see the package README).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
source "$root/scripts/lib.sh"
eval "$("$root/dev/cluster/cluster.sh" env)"
dir="${KNOT_CLUSTER_DIR:-$KNOT_CACHE_DIR/cluster/dev}/webhook"
port="${KNOT_WEBHOOK_PORT:-9443}"
mkdir -p "$dir"

stop() {
  kubectl delete mutatingwebhookconfiguration knot --ignore-not-found >/dev/null
  kubectl delete validatingwebhookconfiguration knot --ignore-not-found >/dev/null
  if [ -f "$dir/pid" ]; then
    kill "$(cat "$dir/pid")" 2>/dev/null || true
    rm -f "$dir/pid"
  fi
}

case "${1:-}" in
up)
  stop
  [ -f "$dir/tls.crt" ] || (cd "$root/packages/knot-webhook" &&
    node --require @backstage/cli/config/nodeTransform.cjs src/cli/devCert.ts "$dir" >/dev/null)
  cd "$root/packages/knot-webhook"
  KNOT_WEBHOOK_HOST=127.0.0.1 KNOT_WEBHOOK_PORT="$port" \
    KNOT_WEBHOOK_CERT_FILE="$dir/tls.crt" KNOT_WEBHOOK_KEY_FILE="$dir/tls.key" \
    nohup node ${KNOT_WEBHOOK_MAIN:---require @backstage/cli/config/nodeTransform.cjs src/main.ts} \
    >"$dir/webhook.log" 2>&1 &
  echo $! >"$dir/pid"
  for _ in $(seq 1 100); do
    curl -fsS --cacert "$dir/ca.crt" "https://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fsS --cacert "$dir/ca.crt" "https://127.0.0.1:$port/readyz" >/dev/null ||
    { cat "$dir/webhook.log"; exit 1; }
  (cd "$root/packages/knot-webhook" &&
    node --require @backstage/cli/config/nodeTransform.cjs src/cli/generateConfig.ts \
      --ca "$dir/ca.crt" --url "https://127.0.0.1:$port") | kubectl apply -f - >/dev/null
  echo "knot-webhook on https://127.0.0.1:$port (log $dir/webhook.log); namespaces labelled knot=enabled are mutated"
  ;;
down) stop ;;
*) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
