#!/usr/bin/env bash
# Scale benchmark: the portal (one backend replica, PostgreSQL) against a
# throw-away kwok-only cluster, with N users and N/10 teams; see README.md.
#   bench/scale/run.sh [N]          N users (default 100)
#   KNOT_SCALE_USERS=C              concurrent simulated users of the API mix (default 200)
#   KNOT_SCALE_SECONDS=S            duration of the API mix (default 60; --long: 300)
#   KNOT_BENCH_CLUSTER_DIR          data dir of the throw-away cluster (deleted afterwards)
#   KNOT_SCALE_REPLICAS=1           skip the second replica (default 2)
#   KNOT_SCALE_PODS=P               pods of the storm through the webhook (default 2000; 0: none)
#   KNOT_SCALE_NODE_FLAGS           extra node flags for the backend (e.g. --cpu-prof --cpu-prof-dir=DIR)
#   KNOT_SCALE_BUILT_APP=DIR        run the built backend in DIR (the portal image's /app) instead of the source
#   KNOT_SCALE_BUILT_WEBHOOK=1      run the webhook bundled as its image runs it instead of the source
#   KNOT_SCALE_WEBHOOK_NODE_FLAGS   node flags for the built webhook (e.g. --trace-gc)
#   KNOT_SCALE_WEBHOOK_NICE=K       the webhook's nice value (e.g. -10: first call on a CPU, as a pod's
#                                   CPU request gives it on a node; default 0)
# Ports: source a slot's env first (KNOT_TEST_APISERVER_PORT, KNOT_TEST_POSTGRES_PORT,
# KNOT_BACKEND_PORT, KNOT_APP_PORT, KNOT_WEBHOOK_PORT), as the test scripts do;
# the second replica listens on KNOT_SCALE_BACKEND2_PORT (default backend port + 1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$root/scripts/lib.sh"
n="${1:-100}"
[ "${2:-}" = --long ] && export KNOT_SCALE_SECONDS="${KNOT_SCALE_SECONDS:-300}"
backend_port="${KNOT_BACKEND_PORT:-7007}"
backend2_port="${KNOT_SCALE_BACKEND2_PORT:-$((backend_port + 1))}"
replicas="${KNOT_SCALE_REPLICAS:-2}"
pods="${KNOT_SCALE_PODS:-2000}"
app_port="${KNOT_APP_PORT:-3000}"
export KNOT_CLUSTER_DIR="${KNOT_BENCH_CLUSTER_DIR:-${KNOT_CACHE_DIR:-$HOME/.cache/knot}/cluster/bench-scale}"
export KNOT_APISERVER_PORT="${KNOT_TEST_APISERVER_PORT:-${KNOT_APISERVER_PORT:-26443}}"
# kwok nodes only: no real containers, no ingress.
export KNOT_REAL_NODE=0

work="$(mktemp -d /tmp/knot-scale.XXXXXX)"
pg="$(mktemp -d /tmp/knot-pg.XXXXXX)"
backend=""
backend2=""
webhook=no
stop() {
  # KNOT_SCALE_KEEP_LOGS=<dir>: the backends' logs are kept there.
  if [ -n "${KNOT_SCALE_KEEP_LOGS:-}" ]; then
    mkdir -p "$KNOT_SCALE_KEEP_LOGS" && cp "$work"/*.log "$KNOT_CLUSTER_DIR/webhook/webhook.log" "$KNOT_SCALE_KEEP_LOGS/" 2>/dev/null || true
  fi
  for pid in $backend $backend2; do kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  if [ "$webhook" = yes ]; then knot_webhook_down; fi
  KNOT_TEST_POSTGRES_PORT="${KNOT_TEST_POSTGRES_PORT:-25432}" "$root/scripts/postgres.sh" stop "$pg" || true
  "$root/dev/cluster/cluster.sh" down >/dev/null 2>&1 || true
  rm -rf "$KNOT_CLUSTER_DIR" "$work"
}
trap stop EXIT

"$root/dev/cluster/cluster.sh" up >/dev/null
eval "$("$root/dev/cluster/cluster.sh" env)"
export KUBECONFIG
if [ "$pods" -gt 0 ]; then
  # Knot's webhook beside the cluster, registered as scripts/start does: every
  # workload and pod of the profile namespaces goes through it.
  webhook=yes
  if [ "${KNOT_SCALE_BUILT_WEBHOOK:-0}" = 1 ]; then
    "$root/packages/knot-webhook/dev/bundle.sh" "$work/webhook"
    export KNOT_WEBHOOK_MAIN="${KNOT_SCALE_WEBHOOK_NODE_FLAGS:-} $work/webhook/main.js"
  fi
  knot_webhook_up "$app_port" "$backend_port" >/dev/null
  if [ -n "${KNOT_SCALE_WEBHOOK_NICE:-}" ]; then
    # Every thread (Linux nices threads one by one): the event loop, GC, the pool.
    renice -n "$KNOT_SCALE_WEBHOOK_NICE" -p $(ls "/proc/$(cat "$KNOT_CLUSTER_DIR/webhook/pid")/task") >/dev/null
  fi
fi
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
# The backend from source, with Backstage's on-the-fly TypeScript transform
# (as `yarn start`), or with KNOT_SCALE_BUILT_APP=DIR the built backend the
# portal image runs (DIR: the image's /app, see README.md).
run_backend() {
  if [ -n "${KNOT_SCALE_BUILT_APP:-}" ]; then
    cd "$KNOT_SCALE_BUILT_APP/packages/backend"
    # shellcheck disable=SC2086 # flags, e.g. --cpu-prof --cpu-prof-dir=DIR
    exec node ${KNOT_SCALE_NODE_FLAGS:-} . "$@"
  fi
  cd "$root/packages/backend"
  # shellcheck disable=SC2086
  exec node ${KNOT_SCALE_NODE_FLAGS:-} --require @backstage/cli/config/nodeTransform.cjs src/index.ts "$@"
}
(
  run_backend --config "$root/app-config.yaml" \
    --config "$work/app-config.cluster.yaml" --config "$work/app-config.scale.yaml"
) >"$work/backend.log" 2>&1 &
backend=$!
# A second replica on the same PostgreSQL: the same configuration behind the
# same public URL (as behind a load balancer), listening on its own port.
# Backstage's scheduler lets one replica at a time run each scheduled task
# (the reconciler, the catalog providers); both serve requests and both run
# the catalog's processing loop.
if [ "$replicas" -gt 1 ]; then
  # After the first is up, so that they do not both seed the first admin.
  for _ in $(seq 1 600); do
    curl -fsS "http://localhost:$backend_port/.backstage/health/v1/readiness" >/dev/null 2>&1 && break
    kill -0 "$backend" 2>/dev/null || break
    sleep 1
  done
  printf 'backend:\n  listen:\n    port: %s\n' "$backend2_port" >"$work/app-config.replica2.yaml"
  (
    run_backend --config "$root/app-config.yaml" \
      --config "$work/app-config.cluster.yaml" --config "$work/app-config.scale.yaml" \
      --config "$work/app-config.replica2.yaml"
  ) >"$work/backend2.log" 2>&1 &
  backend2=$!
fi

echo "cluster: $(kubectl version -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).serverVersion.gitVersion))'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$root/plugins/knot-backend"
KNOT_SCALE_N="$n" KNOT_SCALE_BACKEND="http://localhost:$backend_port" KNOT_SCALE_APP="http://localhost:$app_port" \
  KNOT_SCALE_DATABASE="$database" KNOT_SCALE_BACKEND_PID="$backend" KNOT_SCALE_LOG="$work/backend.log" \
  KNOT_SCALE_BACKEND2="${backend2:+http://localhost:$backend2_port}" KNOT_SCALE_BACKEND2_PID="$backend2" \
  KNOT_SCALE_WEBHOOK="$([ "$webhook" = yes ] && echo "https://127.0.0.1:${KNOT_WEBHOOK_PORT:-$((backend_port + 2436))}")" \
  KNOT_SCALE_WEBHOOK_CA="$KNOT_CLUSTER_DIR/webhook/ca.crt" KNOT_SCALE_PODS="$pods" \
  KNOT_SCALE_PG_PID="$(head -1 "$pg/data/postmaster.pid" 2>/dev/null || true)" \
  KNOT_SCALE_APISERVER_PID="$(cat "$KNOT_CLUSTER_DIR/run/kube-apiserver.pid" 2>/dev/null || true)" \
  KNOT_SCALE_ETCD_PID="$(cat "$KNOT_CLUSTER_DIR/run/etcd.pid" 2>/dev/null || true)" \
  KNOT_SCALE_WEBHOOK_PID="$(cat "$KNOT_CLUSTER_DIR/webhook/pid" 2>/dev/null || true)" \
  node --require @backstage/cli/config/nodeTransform.cjs "$root/bench/scale/bench.ts" ||
  {
    echo "bench failed; backend log tail:" >&2
    tail -30 "$work/backend.log" >&2
    [ -z "$backend2" ] || { echo "replica 2:" >&2; tail -15 "$work/backend2.log" >&2; }
    exit 1
  }
