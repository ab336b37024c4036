# Shared helpers of scripts/start and scripts/test (sourced, not run).

KNOT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=toolchain.sh
source "$KNOT_ROOT/scripts/toolchain.sh"

# Run-time files of this checkout (generated config, logs, SQLite): gitignored.
KNOT_RUN_DIR="${KNOT_RUN_DIR:-$KNOT_ROOT/.knot}"
mkdir -p "$KNOT_RUN_DIR"

# Each step with the minutes:seconds since the script began, so a slow run
# shows which suite took the time.
say() { printf '\033[1m==> [%d:%02d] %s\033[0m\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*" >&2; }

yarn() { node "$KNOT_ROOT/.yarn/releases/yarn-4.13.0.cjs" "$@"; }

# Installs Debian packages that are missing (root on these machines): the
# same function as the cluster scripts', which waits for a busy apt.
source "$KNOT_ROOT/dev/cluster/lib/apt.sh"
knot_apt_ensure() { knot_cluster_apt_ensure "$@"; }

# better-sqlite3's installer fetches a prebuilt binary from GitHub, which
# these machines cannot reach, then compiles SQLite from source: a minute or
# more of every fresh clone's install. It also takes a prebuilt binary from a
# local folder (prebuild-install's local_prebuilds); the first compile is
# packed there under the name it looks for (version, Node ABI, platform).
export npm_config_better_sqlite3_local_prebuilds="$KNOT_CACHE_DIR/prebuilds"
knot_keep_prebuilds() {
  local pkg="$1/node_modules/better-sqlite3" name
  [ -f "$pkg/build/Release/better_sqlite3.node" ] || return 0
  name="$(node -p "const p=require('$pkg/package.json');\`better-sqlite3-v\${p.version}-node-v\${process.versions.modules}-\${process.platform}-\${process.arch}.tar.gz\`")"
  [ -f "$npm_config_better_sqlite3_local_prebuilds/$name" ] && return 0
  mkdir -p "$npm_config_better_sqlite3_local_prebuilds"
  tar -czf "$npm_config_better_sqlite3_local_prebuilds/$name.$$" -C "$pkg" build/Release/better_sqlite3.node &&
    mv "$npm_config_better_sqlite3_local_prebuilds/$name.$$" "$npm_config_better_sqlite3_local_prebuilds/$name"
}

# yarn install, skipped when nothing that affects it changed since the last one.
knot_install_deps() {
  local stamp="$KNOT_ROOT/node_modules/.knot-install-stamp" sum
  sum="$(cd "$KNOT_ROOT" && cat yarn.lock package.json packages/*/package.json plugins/*/package.json .yarnrc.yml | sha256sum | cut -c1-32)-$(node --version)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    return 0
  fi
  say "installing JavaScript dependencies (yarn install)"
  (cd "$KNOT_ROOT" && yarn install --immutable)
  knot_keep_prebuilds "$KNOT_ROOT"
  echo "$sum" >"$stamp"
}

# Starts (or reuses) the cluster and writes the Backstage config that points
# Knot and the Kubernetes plugin at it.
knot_cluster_up() {
  "$KNOT_ROOT/dev/cluster/cluster.sh" up
  eval "$("$KNOT_ROOT/dev/cluster/cluster.sh" env)"
  export KUBECONFIG
  # The images the real node runs for the bundled charts and the tests
  # (cached: instant when nothing changed; a fresh machine builds them here,
  # before any suite or the portal needs them).
  if knot_real_node; then
    "$KNOT_ROOT/dev/images/build.sh" build pause hello busybox jupyter filebrowser || return 1
  fi
  "$KNOT_ROOT/scripts/cluster-app-config.sh" >"$KNOT_RUN_DIR/app-config.cluster.yaml"
}

# With the real node (cluster.sh env sets KNOT_REAL_NODE=1 and KNOT_INGRESS_*)
# the portal lives under the ingress's domain: users' services are at
# https://<svc>-<user>.<domain>:<ingress port>, and forward-auth's session
# cookie is set for .<domain>, which only a page under <domain> may do.
knot_real_node() { [ "${KNOT_REAL_NODE:-0}" = 1 ] && [ -n "${KNOT_INGRESS_ADDRESS:-}" ]; }

# The portal: the frontend's dev server itself, https://<domain>:<app port>
# (with the ingress's certificate; through Traefik its many large bundles
# ran into Traefik's 10 s TLS handshake limit on a loaded machine).
knot_portal_url() { echo "https://$KNOT_INGRESS_DOMAIN:${KNOT_APP_PORT:-3000}"; }

# The backend: https://<domain>:<ingress port>, through Traefik (the
# session cookie's domain, the OIDC issuer).
knot_backend_ingress_url() {
  local port="${KNOT_INGRESS_ADDRESS##*:}"
  if [ "$port" = 443 ]; then echo "https://$KNOT_INGRESS_DOMAIN"; else echo "https://$KNOT_INGRESS_DOMAIN:$port"; fi
}

# Routes https://<domain>:<ingress port> to the backend on this machine
# (Traefik's file provider), writes the Backstage config that puts the
# portal under <domain>, and sends the pods of profile namespaces to the
# real node. Node processes get the ingress CA and, without DNS for
# <domain>, a lookup of it to 127.0.0.1.
#
# Browser pushes of image layers, with the cluster's registry: /v2/ of
# <domain> goes to the registry, every request first asked of the backend's
# /api/knot/images/push-auth (forwardAuth; its Authorization answer replaces
# the browser's, and the local registry's, without credentials, is none: the
# browser's token never reaches the registry), as the chart's
# ingress.registryRoute does. With the frontend's bundle (<bundle> 1)
# scripts/app-front.mjs passes /v2/ of the portal's origin to this route, so
# knot.images.registry.browserPushUrl is the portal's origin, as in
# production. The dev server (<bundle> 0) has no such pass-through: the
# browser pushes to the backend's ingress URL, another origin than the
# page's, so the route also answers CORS for the portal's origin (and no
# other), the preflight before forwardAuth, which would refuse it.
knot_portal_ingress_up() { # <app-port> <backend-port> [<bundle>]
  local app backend push=no push_url push_key
  app="$(KNOT_APP_PORT=$1 knot_portal_url)"
  backend="$(knot_backend_ingress_url)"
  if [ -n "${KNOT_IMAGE_REGISTRY_ADDRESS:-}" ]; then push=yes; fi
  push_url="$app"
  if [ "${3:-0}" != 1 ]; then push_url="$backend"; fi
  # The ingress's key to push-auth (its answer holds the registry's
  # credentials): new at each start, in this route and in the config only.
  push_key="$(head -c 30 /dev/urandom | base64 | tr '+/' '-_')"
  {
    cat <<YAML
# Written by scripts/start (removed when it stops): the backend at $backend.
http:
  routers:
    knot-portal-backend:
      rule: Host(\`$KNOT_INGRESS_DOMAIN\`)
      entryPoints: [websecure]
      service: knot-portal-backend
      tls: {}
YAML
    if [ "$push" = yes ]; then cat <<YAML
    # Browser pushes: the longer rule wins over the backend's.
    knot-portal-registry:
      rule: Host(\`$KNOT_INGRESS_DOMAIN\`) && PathPrefix(\`/v2/\`)
      entryPoints: [websecure]
      service: knot-portal-registry
      middlewares: [knot-portal-push-cors, knot-portal-push-auth]
      tls: {}
  middlewares:
    # Answers the preflight itself; adds the CORS headers to every answer,
    # push-auth's refusals included (their words reach the page).
    knot-portal-push-cors:
      headers:
        accessControlAllowOriginList: ["$app"]
        accessControlAllowMethods: [POST, PUT]
        accessControlAllowHeaders: [Authorization, Content-Type, X-Knot-Push-Grant]
        accessControlExposeHeaders: [Location]
        accessControlMaxAge: 600
        addVaryHeader: true
    knot-portal-push-auth:
      forwardAuth:
        address: http://127.0.0.1:$2/api/knot/images/push-auth?key=$push_key
        authResponseHeaders: [Authorization]
YAML
    fi
    cat <<YAML
  services:
    knot-portal-backend:
      loadBalancer:
        servers: [{url: "http://127.0.0.1:$2"}]
YAML
    if [ "$push" = yes ]; then cat <<YAML
    knot-portal-registry:
      loadBalancer:
        servers: [{url: "http://$KNOT_IMAGE_REGISTRY_ADDRESS"}]
YAML
    fi
  } >"$KNOT_INGRESS_ROUTES_DIR/knot-portal.yaml.tmp"
  # Whole (Traefik watches the directory, and reads only *.yaml of it).
  mv "$KNOT_INGRESS_ROUTES_DIR/knot-portal.yaml.tmp" "$KNOT_INGRESS_ROUTES_DIR/knot-portal.yaml"
  cat >"$KNOT_RUN_DIR/app-config.ingress.yaml" <<YAML
# Generated by scripts/start: the portal under the local ingress's domain.
app:
  baseUrl: $app
  # The dev server speaks https (like baseUrl) with the ingress's certificate.
  https:
    certificate:
      cert:
        \$file: $KNOT_INGRESS_TLS_DIR/tls.crt
      key:
        \$file: $KNOT_INGRESS_TLS_DIR/tls.key
backend:
  baseUrl: $backend
  listen:
    port: $2
  cors:
    origin: $app
knot:
  ingress:
    domain: $KNOT_INGRESS_DOMAIN
    url: $app
  services:
    urlScheme: https
    urlPort: ${KNOT_INGRESS_ADDRESS##*:}
YAML
  if [ "$push" = yes ]; then
    printf '  images:\n    registry:\n      browserPushUrl: %s\n      pushAuthKey: %s\n' "$push_url" "$push_key" >>"$KNOT_RUN_DIR/app-config.ingress.yaml"
  fi
  # A second binding of cluster.sh's real-node policy: Knot's profile
  # namespaces (label knot=enabled) run their pods on the real node.
  kubectl apply -f - >/dev/null <<YAML
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingAdmissionPolicyBinding
metadata:
  name: knot-real-node-profiles
spec:
  policyName: knot-real-node
  matchResources:
    namespaceSelector:
      matchLabels: {knot: enabled}
YAML
  export NODE_EXTRA_CA_CERTS="$KNOT_INGRESS_CA"
  if ! getent hosts "$KNOT_INGRESS_DOMAIN" >/dev/null 2>&1; then
    export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--require $KNOT_ROOT/dev/cluster/lib/domain-lookup.cjs"
  fi
}

knot_portal_ingress_down() {
  rm -f "${KNOT_INGRESS_ROUTES_DIR:-/nonexistent}/knot-portal.yaml"
  kubectl delete mutatingadmissionpolicybinding knot-real-node-profiles --ignore-not-found >/dev/null 2>&1 || true
}

knot_cluster_down() {
  "$KNOT_ROOT/dev/cluster/cluster.sh" down || true
}

# Runs Knot's admission webhook beside the local cluster and registers it
# (packages/knot-webhook/dev/webhook.sh), pointed at the portal on the given
# ports: without it, what users deploy gets no /private, /shared, KNOT_*
# variables or ingress sign-in.
# With the real node: hostnames under the ingress's domain, and Traefik's
# auth-url asks for the 302 to the sign-in page itself (Traefik ignores
# auth-signin and passes the auth answer through).
knot_webhook_up() { # <app-port> <backend-port>
  local domain=localtest.me url="http://localhost:$1" auth="http://localhost:$2/api/knot/forward-auth"
  if knot_real_node; then
    domain="$KNOT_INGRESS_DOMAIN" url="$(KNOT_APP_PORT=$1 knot_portal_url)" auth="http://127.0.0.1:$2/api/knot/forward-auth?redirect=1"
  fi
  KNOT_WEBHOOK_PORT="${KNOT_WEBHOOK_PORT:-$(($2 + 2436))}" \
    KNOT_WEBHOOK_INGRESS_DOMAIN="${KNOT_WEBHOOK_INGRESS_DOMAIN:-$domain}" \
    KNOT_WEBHOOK_INGRESS_URL="${KNOT_WEBHOOK_INGRESS_URL:-$url}" \
    KNOT_WEBHOOK_AUTH_URL="${KNOT_WEBHOOK_AUTH_URL:-$auth}" \
    "$KNOT_ROOT/packages/knot-webhook/dev/webhook.sh" up
}

knot_webhook_down() {
  "$KNOT_ROOT/packages/knot-webhook/dev/webhook.sh" down || true
}

# Kills a process group started with setsid, then waits for it to go.
knot_kill_group() { # <pid>
  local pid="$1" i
  kill -TERM -- "-$pid" 2>/dev/null || return 0
  for i in $(seq 1 50); do
    kill -0 -- "-$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
}

# Waits until the portal's page answers 200 (through the ingress, trusting
# its CA, when the URL is under its domain), or fails after <seconds>.
knot_wait_portal() { # <url> <seconds>
  local deadline=$((SECONDS + $2)) args=()
  if knot_real_node && [[ $1 == https://$KNOT_INGRESS_DOMAIN* ]]; then
    args=(--cacert "$KNOT_INGRESS_CA" --resolve "$KNOT_INGRESS_DOMAIN:${1##*:}:127.0.0.1")
  fi
  until curl -fs -o /dev/null "${args[@]}" "$1"; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 1
  done
}

# Waits until an URL answers (any HTTP status), or fails after <seconds>.
knot_wait_http() { # <url> <seconds>
  local deadline=$((SECONDS + $2))
  until curl -s -o /dev/null "$1"; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 1
  done
}
