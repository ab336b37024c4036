#!/usr/bin/env bash
# Scale benchmark: the portal (one backend replica, PostgreSQL) against a
# throw-away kwok-only cluster, with N users and N/10 teams; see README.md.
#   bench/scale/run.sh [N]          N users (default 100)
#   KNOT_SCALE_USERS=C              concurrent simulated users of the API mix (default 200)
#   KNOT_SCALE_SECONDS=S            duration of the API mix (default 60; --long: 300)
#   KNOT_BENCH_CLUSTER_DIR          data dir of the throw-away cluster (deleted afterwards)
#   KNOT_SCALE_NODE_FLAGS           extra node flags for the backend (e.g. --cpu-prof --cpu-prof-dir=DIR)
# Ports: source a slot's env first (KNOT_TEST_APISERVER_PORT, KNOT_TEST_POSTGRES_PORT,
# KNOT_BACKEND_PORT, KNOT_APP_PORT), as the test scripts do.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$root/scripts/lib.sh"
n="${1:-100}"
[ "${2:-}" = --long ] && export KNOT_SCALE_SECONDS="${KNOT_SCALE_SECONDS:-300}"
backend_port="${KNOT_BACKEND_PORT:-7007}"
app_port="${KNOT_APP_PORT:-3000}"
export KNOT_CLUSTER_DIR="${KNOT_BENCH_CLUSTER_DIR:-${KNOT_CACHE_DIR:-$HOME/.cache/knot}/cluster/bench-scale}"
export KNOT_APISERVER_PORT="${KNOT_TEST_APISERVER_PORT:-${KNOT_APISERVER_PORT:-26443}}"
# kwok nodes only: no real containers, no ingress.
export KNOT_REAL_NODE=0

work="$(mktemp -d /tmp/knot-scale.XXXXXX)"
pg="$(mktemp -d /tmp/knot-pg.XXXXXX)"
backend=""
stop() {
  if [ -n "$backend" ]; then kill -TERM "$backend" 2>/dev/null && wait "$backend" 2>/dev/null || true; fi
  KNOT_TEST_POSTGRES_PORT="${KNOT_TEST_POSTGRES_PORT:-25432}" "$root/scripts/postgres.sh" stop "$pg" || true
  "$root/dev/cluster/cluster.sh" down >/dev/null 2>&1 || true
  rm -rf "$KNOT_CLUSTER_DIR" "$work"
}
trap stop EXIT

"$root/dev/cluster/cluster.sh" up >/dev/null
eval "$("$root/dev/cluster/cluster.sh" env)"
export KUBECONFIG
database="$(KNOT_TEST_POSTGRES_PORT="${KNOT_TEST_POSTGRES_PORT:-25432}" "$root/scripts/postgres.sh" start "$pg")"

# The portal's backend alone (no frontend), on PostgreSQL, as scripts/start
# runs it plus the database; the periodic reconcile is left to the bench.
"$root/scripts/cluster-app-config.sh" >"$work/app-config.cluster.yaml"
cat >"$work/app-config.scale.yaml" <<YAML
app:
  baseUrl: http://localhost:$app_port
backend:
  baseUrl: http://localhost:$backend_port
  listen:
    port: $backend_port
  cors:
    origin: http://localhost:$app_port
  database:
    client: pg
    connection: $database
knot:
  storage:
    privateDir: $work/storage/private
    sharedDir: $work/storage/shared
  provisioning:
    schedule:
      frequency: { hours: 24 }
      timeout: { minutes: 30 }
      initialDelay: { hours: 24 }
YAML
export KNOT_ADMIN_PASSWORD=knot-admin-password
(
  cd "$root/packages/backend"
  # shellcheck disable=SC2086 # flags, e.g. --cpu-prof --cpu-prof-dir=DIR
  exec node ${KNOT_SCALE_NODE_FLAGS:-} --require @backstage/cli/config/nodeTransform.cjs src/index.ts \
    --config "$root/app-config.yaml" \
    --config "$work/app-config.cluster.yaml" --config "$work/app-config.scale.yaml"
) >"$work/backend.log" 2>&1 &
backend=$!

echo "cluster: $(kubectl version -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).serverVersion.gitVersion))'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$root/plugins/knot-backend"
KNOT_SCALE_N="$n" KNOT_SCALE_BACKEND="http://localhost:$backend_port" KNOT_SCALE_APP="http://localhost:$app_port" \
  KNOT_SCALE_DATABASE="$database" KNOT_SCALE_BACKEND_PID="$backend" KNOT_SCALE_LOG="$work/backend.log" \
  node --require @backstage/cli/config/nodeTransform.cjs "$root/bench/scale/bench.ts" ||
  { echo "bench failed; backend log tail:" >&2; tail -30 "$work/backend.log" >&2; exit 1; }
