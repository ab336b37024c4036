#!/usr/bin/env bash
# Benchmarks image uploads through the real Knot backend (all plugins, guest
# sign-in, Backstage auth, NODE_ENV=production) against `crane push` of the
# same image, in the same run, to the same registry:
#   - a ~1 GiB image (4 uncompressed layers of random bytes, OCI layout),
#   - `crane push <layout dir>` vs `PUT /api/knot/images/upload` of the
#     layout's tar (curl), each into a new repository (no blob is skipped),
#   - peak backend RSS growth during the portal's uploads.
# Prints the figures and the ratio. Not a test: it passes or fails nothing.
#
#   bench/images/run.sh [size-MiB]      (default 1024; env ROUNDS, default 3)
# Environment: KNOT_BENCH_PORT (default $KNOT_BACKEND_PORT or 7401),
#              KNOT_BENCH_DIR  (default .knot/bench-images, same disk as the repo)
#              KNOT_BENCH_PUSH_CONCURRENCY (knot.images.pushConcurrency, default 4)
#              KNOT_BENCH_DIRECT=1: the portal upload as the Images page makes it
#                with browser pushes (knot.images.registry.browserPushUrl): the
#                large layers through Traefik (TLS, forwardAuth to the backend's
#                /images/push-auth) straight to the registry, the rest to the
#                portal; Traefik built by dev/cluster/cluster.sh build
#              KNOT_BENCH_DIRECT_TLS=0: that Traefik without TLS (what TLS costs)
#              KNOT_BENCH_INGRESS_ALPN=http/1.1: that Traefik's TLS without HTTP/2
#              KNOT_BENCH_CLIENT_LINK=<rate> (e.g. 1gbit; with KNOT_BENCH_BROWSER=1,
#                root): Chromium and the crane through Traefik run in a network
#                namespace of their own, whose uploads cross a veth pair shaped
#                to <rate> (tc tbf): the user's line to the ingress
#              KNOT_BENCH_CLIENT_CPUS=<cpu list> (e.g. 0): every client (crane,
#                the Node client, Chromium) on these CPUs, the registry, the
#                backend and Traefik on the others, as the user's machine and
#                the servers are apart in a deployment
#              KNOT_BENCH_BROWSER=1 (sets KNOT_BENCH_DIRECT=1): each round also
#                uploads from the Images page in Chromium (playwright-core,
#                /usr/bin/chromium or KNOT_CHROMIUM), the portal and its /v2/
#                route on the one Traefik origin as the chart's
#                ingress.registryRoute makes them; builds packages/app/dist
#                first (seconds when webpack's cache is warm)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$KNOT_ROOT"
knot_install_deps
# shellcheck source=../../dev/cluster/versions.env
source <(grep -E '^(DISTRIBUTION|REGISTRY|TRAEFIK)_VERSION=' dev/cluster/versions.env | sed 's/ *#.*//')
source dev/cluster/lib/registry.sh
crane="$KNOT_CACHE_DIR/bin/crane-$REGISTRY_VERSION/crane"
[ -x "$crane" ] && [ -x "$DISTRIBUTION_BIN/registry" ] || {
  echo "crane and distribution's registry are built by dev/cluster/cluster.sh build" >&2; exit 1; }

size_mib="${1:-1024}"
port="${KNOT_BENCH_PORT:-${KNOT_BACKEND_PORT:-7401}}"
dir="$(mkdir -p "${KNOT_BENCH_DIR:-$KNOT_RUN_DIR/bench-images}" && cd "${KNOT_BENCH_DIR:-$KNOT_RUN_DIR/bench-images}" && pwd)"
rm -rf "${dir:?}"/* && mkdir -p "$dir/registry" "$dir/sqlite" "$dir/spool" "$dir/image"

say "starting a registry (distribution, plain HTTP, loopback)"
registry_port="$(registry_free_port)"
registry_serve_tmp "$registry_port" "$dir/registry"

# Clients and servers on CPUs of their own (KNOT_BENCH_CLIENT_CPUS).
client_cpus="${KNOT_BENCH_CLIENT_CPUS:-}"
server_cpus=""
if [ -n "$client_cpus" ]; then
  server_cpus="$(python3 -c 'import os,sys
c=set()
for part in sys.argv[1].split(","):
    a,_,b=part.partition("-"); c.update(range(int(a),int(b or a)+1))
print(",".join(str(x) for x in sorted(os.sched_getaffinity(0)-c)))' "$client_cpus")"
  [ -n "$server_cpus" ] || { echo "KNOT_BENCH_CLIENT_CPUS=$client_cpus leaves no CPU for the servers" >&2; exit 1; }
  say "clients on CPUs $client_cpus, registry, backend and Traefik on $server_cpus"
fi
# Moves a running server (every thread) onto the servers' CPUs.
pin_server() { [ -z "$server_cpus" ] || taskset -a -p -c "$server_cpus" "$1" >/dev/null; }
pin_server "$REGISTRY_TMP_PID"

direct="${KNOT_BENCH_DIRECT:-0}"
browser="${KNOT_BENCH_BROWSER:-0}"
[ "$browser" = 1 ] && direct=1
if [ "$browser" = 1 ]; then
  say "building the frontend bundle (packages/app/dist) for Chromium"
  (cd packages/app && yarn backstage-cli package build --config "$KNOT_ROOT/app-config.yaml" >"$dir/app-build.log" 2>&1) ||
    { tail -40 "$dir/app-build.log"; exit 1; }
fi
browser_push=""
# The key of the Traefik forwardAuth to push-auth (knot.images.registry.pushAuthKey).
push_key="$(head -c 30 /dev/urandom | base64 | tr '+/' '-_')"
if [ "$direct" = 1 ]; then
  traefik="$KNOT_CACHE_DIR/bin/traefik-$TRAEFIK_VERSION/traefik"
  [ -x "$traefik" ] || { echo "traefik is built by dev/cluster/cluster.sh build" >&2; exit 1; }
  traefik_port="$(registry_free_port)"
  scheme=https
  [ "${KNOT_BENCH_DIRECT_TLS:-1}" = 0 ] && scheme=http
  browser_push="$scheme://localhost:$traefik_port"
  # crane through the same Traefik (same TLS, no grant to check): the
  # like-for-like baseline, since users' pushes to a production registry
  # also cross its TLS ingress.
  crane_ingress_port="$(registry_free_port)"
fi

# The user's line: a network namespace for the clients, its uploads shaped.
link="${KNOT_BENCH_CLIENT_LINK:-}"
client_ns=""
ingress_host=localhost
if [ -n "$link" ]; then
  [ "$browser" = 1 ] || { echo "KNOT_BENCH_CLIENT_LINK needs KNOT_BENCH_BROWSER=1" >&2; exit 1; }
  client_ns="knot-bench-$$"
  ip netns add "$client_ns"
  ip link add "kbh$$" type veth peer name "kbc$$" netns "$client_ns"
  ip addr add 10.213.0.1/30 dev "kbh$$" && ip link set "kbh$$" up
  ip -n "$client_ns" addr add 10.213.0.2/30 dev "kbc$$"
  ip -n "$client_ns" link set "kbc$$" up && ip -n "$client_ns" link set lo up
  ip netns exec "$client_ns" tc qdisc add dev "kbc$$" root tbf rate "$link" burst 1mb latency 100ms
  ingress_host=10.213.0.1
  browser_push="$scheme://$ingress_host:$traefik_port"
  printf '#!/bin/sh\nexec ip netns exec %s %s "$@"\n' "$client_ns" "${KNOT_CHROMIUM:-/usr/bin/chromium}" >"$dir/chromium"
  chmod +x "$dir/chromium"
  export KNOT_CHROMIUM="$dir/chromium"
fi
cleanup_netns() { [ -z "$client_ns" ] || ip netns del "$client_ns" 2>/dev/null || true; }

# In Chromium the portal is at Traefik's origin, which also routes /v2/.
portal_url="http://localhost:$port"
[ "$browser" = 1 ] && portal_url="$browser_push"
cat >"$dir/app-config.bench.yaml" <<YAML
app:
  baseUrl: $portal_url
backend:
  baseUrl: $portal_url
  listen:
    port: $port
  database:
    connection:
      directory: $dir/sqlite
auth:
  providers:
    guest:
      dangerouslyAllowOutsideDevelopment: true
knot:
  kubernetes:
    kubeconfig: /nonexistent/kubeconfig
  images:
    registry:
      url: http://127.0.0.1:$registry_port
${browser_push:+      browserPushUrl: $browser_push}
${browser_push:+      pushAuthKey: $push_key}
    spoolDir: $dir/spool
    pushConcurrency: ${KNOT_BENCH_PUSH_CONCURRENCY:-4}
YAML

say "starting the Knot backend on port $port"
(cd packages/backend && NODE_ENV=production exec setsid node ${KNOT_BENCH_NODE_FLAGS:-} \
  --require "$KNOT_ROOT/node_modules/@backstage/cli/config/nodeTransform.cjs" \
  src/index.ts --config "$KNOT_ROOT/app-config.yaml" --config "$KNOT_ROOT/app-config.development.yaml" \
  --config "$dir/app-config.bench.yaml" \
  >"$dir/backend.log" 2>&1) &
backend=$!
trap 'knot_kill_group "$backend"; kill $REGISTRY_TMP_PID 2>/dev/null || true; cleanup_netns' EXIT
if ! knot_wait_http "http://localhost:$port/.backstage/health/v1/readiness" 240; then
  tail -40 "$dir/backend.log"; exit 1
fi
pid="$(pgrep -g "$backend" -f 'src/index.ts' | head -1)"
for p in $(pgrep -g "$backend"); do pin_server "$p"; done

if [ "$direct" = 1 ]; then
  say "starting Traefik on $browser_push (forwardAuth to the backend)"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/tls.key" \
    -out "$dir/tls.crt" -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:10.213.0.1 -days 2 2>/dev/null
  cat >"$dir/traefik.yaml" <<YAML
http:
  routers:
    registry:
      rule: PathPrefix(\`/v2/\`)
      entryPoints: [websecure]
      service: registry
      middlewares: [knot-push-auth]
$([ "$scheme" = https ] && echo "      tls: {}" || true)
$([ "$browser" = 1 ] && printf '    portal:\n      rule: PathPrefix(`/`)\n      entryPoints: [websecure]\n      service: backend\n' || true)
$([ "$browser" = 1 ] && [ "$scheme" = https ] && echo "      tls: {}" || true)
    crane:
      rule: PathPrefix(\`/v2/\`)
      entryPoints: [crane]
      service: registry
$([ "$scheme" = https ] && echo "      tls: {}" || true)
  middlewares:
    knot-push-auth:
      forwardAuth:
        address: http://127.0.0.1:$port/api/knot/images/push-auth?key=$push_key
        authResponseHeaders: [Authorization]
  services:
    registry:
      loadBalancer:
        servers: [{url: "http://127.0.0.1:$registry_port"}]
    backend:
      loadBalancer:
        servers: [{url: "http://127.0.0.1:$port"}]
tls:
  certificates: [{certFile: $dir/tls.crt, keyFile: $dir/tls.key}]
$([ -n "${KNOT_BENCH_INGRESS_ALPN:-}" ] && printf '  options:\n    default:\n      alpnProtocols: [%s]\n' "$KNOT_BENCH_INGRESS_ALPN" || true)
YAML
  # On every address: the clients' namespace reaches it at 10.213.0.1.
  "$traefik" --entryPoints.websecure.address=":$traefik_port" --entryPoints.crane.address=":$crane_ingress_port" \
    --providers.file.filename="$dir/traefik.yaml" --log.level=ERROR >"$dir/traefik.log" 2>&1 &
  traefik_pid=$!
  pin_server "$traefik_pid"
  trap 'knot_kill_group "$backend"; kill $REGISTRY_TMP_PID $traefik_pid 2>/dev/null || true; cleanup_netns' EXIT
  for _ in $(seq 100); do
    curl -s -o /dev/null --cacert "$dir/tls.crt" "$browser_push/v2/" && break
    sleep 0.2
  done
  export NODE_EXTRA_CA_CERTS="$dir/tls.crt"
fi

# The bench's process is the clients': crane, Chromium and the Node client
# are it or its children, so they inherit its CPUs.
${client_cpus:+taskset -c "$client_cpus"} node --require "$KNOT_ROOT/node_modules/@backstage/cli/config/nodeTransform.cjs" \
  bench/images/bench.ts --port "$port" --pid "$pid" --registry-pid "$REGISTRY_TMP_PID" --dir "$dir" --size-mib "$size_mib" \
  --rounds "${ROUNDS:-3}" --registry "127.0.0.1:$registry_port" --crane "$crane" \
  ${browser_push:+--direct "$browser_push" --traefik-pid "$traefik_pid" --crane-ingress "$ingress_host:$crane_ingress_port"} \
  $([ "$browser" = 1 ] && echo "--browser $browser_push" || true) ${client_ns:+--client-netns "$client_ns" --link "$link"} \
  ${client_cpus:+--client-cpus "$client_cpus"}
