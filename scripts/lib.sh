# Shared helpers of scripts/start and scripts/test (sourced, not run).

KNOT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=toolchain.sh
source "$KNOT_ROOT/scripts/toolchain.sh"

# Run-time files of this checkout (generated config, logs, SQLite): gitignored.
KNOT_RUN_DIR="${KNOT_RUN_DIR:-$KNOT_ROOT/.knot}"
mkdir -p "$KNOT_RUN_DIR"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

yarn() { node "$KNOT_ROOT/.yarn/releases/yarn-4.13.0.cjs" "$@"; }

# Installs Debian packages that are missing (root on these machines).
knot_apt_ensure() { # <command-or-path> <package> [<command-or-path> <package>...]
  local missing=()
  while [ $# -gt 0 ]; do
    if ! command -v "$1" >/dev/null 2>&1 && [ ! -e "$1" ]; then missing+=("$2"); fi
    shift 2
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
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
  echo "$sum" >"$stamp"
}

# Starts (or reuses) the cluster and writes the Backstage config that points
# Knot and the Kubernetes plugin at it.
knot_cluster_up() {
  "$KNOT_ROOT/dev/cluster/cluster.sh" up
  eval "$("$KNOT_ROOT/dev/cluster/cluster.sh" env)"
  export KUBECONFIG
  "$KNOT_ROOT/scripts/cluster-app-config.sh" >"$KNOT_RUN_DIR/app-config.cluster.yaml"
}

knot_cluster_down() {
  "$KNOT_ROOT/dev/cluster/cluster.sh" down || true
}

# Runs Knot's admission webhook beside the local cluster and registers it
# (packages/knot-webhook/dev/webhook.sh), pointed at the portal on the given
# ports: without it, what users deploy gets no /private, /shared, KNOT_*
# variables or ingress sign-in.
knot_webhook_up() { # <app-port> <backend-port>
  KNOT_WEBHOOK_PORT="${KNOT_WEBHOOK_PORT:-$(($2 + 2436))}" \
    KNOT_WEBHOOK_INGRESS_DOMAIN="${KNOT_WEBHOOK_INGRESS_DOMAIN:-localtest.me}" \
    KNOT_WEBHOOK_INGRESS_URL="${KNOT_WEBHOOK_INGRESS_URL:-http://localhost:$1}" \
    KNOT_WEBHOOK_AUTH_URL="${KNOT_WEBHOOK_AUTH_URL:-http://localhost:$2/api/knot/forward-auth}" \
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

# Waits until an URL answers (any HTTP status), or fails after <seconds>.
knot_wait_http() { # <url> <seconds>
  local deadline=$((SECONDS + $2))
  until curl -s -o /dev/null "$1"; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 1
  done
}
