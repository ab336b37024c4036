#!/usr/bin/env bash
# Local Kubernetes control plane for Knot development and tests, without Docker:
# etcd + kube-apiserver + kube-controller-manager + kube-scheduler + kwok (fake
# nodes/kubelets), all built from the Go module proxy and bound to 127.0.0.1.
#
#   dev/cluster/cluster.sh build|up|down [--keep]|status|env
#
# Environment:
#   KNOT_CLUSTER        local (default) | kind | external
#   KNOT_CLUSTER_DIR    data dir of this cluster (default ~/.cache/knot/cluster/default)
#   KNOT_CACHE_DIR      binary/build cache (default ~/.cache/knot)
#   KNOT_APISERVER_PORT apiserver port (default: first free of 16443, 16543, ...,
#                       remembered per data dir); the other components use fixed
#                       offsets from it (etcd +10/+11, kcm +20, sched +21, kwok +22)
#   KNOT_CLUSTER_NODES  number of fake kwok nodes (default 2)
#   KNOT_APISERVER_ARGS extra kube-apiserver flags (word-split), e.g. --feature-gates=...
#   KNOT_CLUSTER_FRESH  1: `up` first stops and removes whatever is in the data dir
#                       (tests: nothing left by an interrupted run); default: a
#                       cluster that is up is kept, a stopped one restarts on its data
#   KNOT_REAL_NODE      1 (default): also a real kubelet node, the image registry and
#                       the ingress controller (root only; see lib/node.sh); 0: kwok only
#   KNOT_REAL_NODE_NAMESPACES  label selector (k=v[,k=v]) of namespaces whose pods go to
#                       the real node by default (default knot.dev/real-node=true; empty: none)
#   KNOT_INGRESS_DOMAIN TLS domain of the ingress (default knot.localtest.me)
#   KNOT_INGRESS_PORT   HTTPS port of the ingress on 127.0.0.1 (default apiserver port + 24)
#   KNOT_KIND_CONFIG, KNOT_KIND_IMAGE, KNOT_KIND_NAME  for KNOT_CLUSTER=kind
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$HERE/versions.env"
# shellcheck source=lib/apt.sh
source "$HERE/lib/apt.sh"
# shellcheck source=lib/registry.sh
source "$HERE/lib/registry.sh"

MODE="${KNOT_CLUSTER:-local}"
CACHE="${KNOT_CACHE_DIR:-$HOME/.cache/knot}"
DATA="${KNOT_CLUSTER_DIR:-$HOME/.cache/knot/cluster/default}"
# Absolute, no trailing slash: the path is matched against daemons' command lines.
[[ $DATA == /* ]] || DATA="$PWD/$DATA"
DATA="${DATA%/}"
# The apiserver port is chosen once per data dir (first free of 16443,
# 16543, ... unless KNOT_APISERVER_PORT is set) and remembered in it, so a
# second data dir gets its own ports and `env`/`status` need no variables.
PORT_FILE="$DATA/apiserver-port"
if [[ -n ${KNOT_APISERVER_PORT:-} ]]; then API_PORT="$KNOT_APISERVER_PORT"
elif [[ -f $PORT_FILE ]]; then API_PORT="$(<"$PORT_FILE")"
else API_PORT=16443; fi
set_ports() {
  ETCD_CLIENT_PORT=$((API_PORT + 10))
  ETCD_PEER_PORT=$((API_PORT + 11))
  KCM_PORT=$((API_PORT + 20))
  SCHED_PORT=$((API_PORT + 21))
  KWOK_PORT=$((API_PORT + 22))
  REGISTRY_PORT=$((API_PORT + 23))
  INGRESS_PORT="${KNOT_INGRESS_PORT:-$((API_PORT + 24))}"
  INGRESS_PING_PORT=$((API_PORT + 25))
}
set_ports
HOST=127.0.0.1
SERVICE_CIDR=10.96.0.0/16
POD_CIDR=10.244.0.0/16
NUM_NODES="${KNOT_CLUSTER_NODES:-2}"

KUBE_BIN="$CACHE/bin/kubernetes-$KUBE_VERSION"
ETCD_BIN="$CACHE/bin/etcd-$ETCD_VERSION"
KWOK_BIN="$CACHE/bin/kwok-$KWOK_VERSION"
HELM_BIN="$CACHE/bin/helm-$HELM_VERSION"
REGISTRY_BIN="$CACHE/bin/registry-$REGISTRY_VERSION"
KUBELET_BIN="$CACHE/bin/kubelet-$KUBE_VERSION"
CRICTL_BIN="$CACHE/bin/crictl-$CRICTL_VERSION"
CRANE_BIN="$CACHE/bin/crane-$REGISTRY_VERSION"
TRAEFIK_BIN="$CACHE/bin/traefik-$TRAEFIK_VERSION"
# Keyed by its source too: the tool is ours.
ARGO_RULE_BIN="$CACHE/bin/argo-rbac-rule-$EXPR_VERSION-$(sha256sum "$HERE/tools/argo-rbac-rule/main.go" | cut -c1-12)"
KUBECTL="$KUBE_BIN/kubectl"
KUBECONFIG_FILE="$DATA/kubeconfig"
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
# Whether this cluster has the real node: KNOT_REAL_NODE when set, else what
# `up` recorded in the data dir, else 1.
REAL_NODE="${KNOT_REAL_NODE:-$(cat "$DATA/real-node" 2>/dev/null || echo 1)}"
[[ $REAL_NODE == 0 || $REAL_NODE == 1 ]] || { echo "KNOT_REAL_NODE must be 0 or 1" >&2; exit 2; }
# The real node's extra daemons: image registry, containerd, kubelet, ingress.
REAL_COMPONENTS=(registry containerd kubelet traefik)
# shellcheck source=../images/images.env
source "$HERE/../images/images.env"
# shellcheck source=lib/node.sh
source "$HERE/lib/node.sh"
# shellcheck source=lib/ingress.sh
source "$HERE/lib/ingress.sh"

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { printf '[cluster] error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- build ----

GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"

go_env() {
  # -mod=mod lets `go build` resolve the generated go.mod without a checked-in
  # go.sum; GOTOOLCHAIN=local stops Go from trying to download a newer toolchain
  # that some dependency's `toolchain` line asks for.
  env CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false" "$@"
}

have_binaries() {
  [[ -x $KUBE_BIN/kube-apiserver && -x $KUBE_BIN/kube-controller-manager &&
     -x $KUBE_BIN/kube-scheduler && -x $KUBE_BIN/kubectl &&
     -x $ETCD_BIN/etcd && -x $KWOK_BIN/kwok && -f $KWOK_BIN/stages.yaml && -x $HELM_BIN/helm &&
     -x $REGISTRY_BIN/registry && -x $ARGO_RULE_BIN/argo-rbac-rule ]] &&
    { [[ $REAL_NODE == 0 ]] || have_real_binaries; }
}
have_real_binaries() {
  [[ -x $KUBELET_BIN/kubelet && -x $CRICTL_BIN/crictl && -x $CRANE_BIN/crane &&
     -x $DISTRIBUTION_BIN/registry && -x $TRAEFIK_BIN/traefik ]]
}

# Builds into a temp dir and renames it into place so an interrupted build
# never leaves a half-filled cache dir that later looks complete.
install_dir() { # <tmp> <final>
  rm -rf "$2"; mkdir -p "$(dirname "$2")"; mv "$1" "$2"
}

# Writes the generated module for k8s.io/kubernetes into $KUBE_WORK and sets
# KUBE_LDFLAGS (version stamps); shared by the control plane and kubelet builds.
KUBE_WORK="$CACHE/build/kubernetes-$KUBE_VERSION"
kube_module() {
  local work="$KUBE_WORK"
  mkdir -p "$work"
  # k8s.io/kubernetes requires its staging repos as `v0.0.0` and replaces them
  # with ./staging paths, which Go ignores in a dependency. Map each one to the
  # published tag v0.<minor>.<patch>, reading the list from upstream's go.mod.
  local info modfile staging_ver
  info="$(cd "$work" && go_env "$GO" mod download -json "k8s.io/kubernetes@$KUBE_VERSION")"
  modfile="$(sed -n 's/.*"GoMod": "\(.*\)".*/\1/p' <<<"$info")"
  staging_ver="v0.${KUBE_VERSION#v1.}"
  {
    echo "module knot.local/dev/cluster/kube"
    echo
    sed -n 's/^go \(.*\)/go \1/p' "$modfile"
    echo
    echo "require k8s.io/kubernetes $KUBE_VERSION"
    echo
    awk -v v="$staging_ver" '$2 == "v0.0.0" && $1 ~ /^k8s\.io\// { printf "replace %s => %s %s\n", $1, $1, v }' "$modfile"
  } >"$work/go.mod"
  # Version stamps (what hack/lib/version.sh does), so /version reports the
  # real release; Helm's kubeVersion checks depend on it.
  local minor="${KUBE_VERSION#v1.}"; minor="${minor%%.*}"
  local date; date="$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$(sed -n 's/.*"Info": "\(.*\)".*/\1/p' <<<"$info")")"
  local ld="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ld+=" -X $pkg.gitCommit=module-proxy-$KUBE_VERSION -X $pkg.gitTreeState=clean -X $pkg.buildDate=${date:-1970-01-01T00:00:00Z}"
  done
  KUBE_LDFLAGS="$ld"
}

build_kube() {
  [[ -x $KUBE_BIN/kube-apiserver && -x $KUBE_BIN/kubectl ]] && return 0
  log "building kubernetes $KUBE_VERSION (cold: ~8 min on 2 cores)"
  local out="$KUBE_BIN.tmp"
  mkdir -p "$out"
  kube_module
  (cd "$KUBE_WORK" && go_env "$GO" build -trimpath -ldflags "$KUBE_LDFLAGS" -o "$out/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler \
    k8s.io/kubernetes/cmd/kubectl)
  install_dir "$out" "$KUBE_BIN"
}

# The real node's kubelet: same module, same version stamps as the control
# plane, in its own cache dir so a control plane built without it stays valid.
build_kubelet() {
  [[ -x $KUBELET_BIN/kubelet ]] && return 0
  log "building kubelet $KUBE_VERSION (~40 s on top of the control plane build)"
  local out="$KUBELET_BIN.tmp"
  rm -rf "$out"; mkdir -p "$out"
  kube_module
  (cd "$KUBE_WORK" && go_env "$GO" build -trimpath -ldflags "$KUBE_LDFLAGS" -o "$out/" k8s.io/kubernetes/cmd/kubelet)
  install_dir "$out" "$KUBELET_BIN"
}

# Traefik's go.mod has replace/exclude lines, which `go install pkg@v` refuses:
# build it inside a generated module that requires it and copies them.
build_traefik() {
  [[ -x $TRAEFIK_BIN/traefik ]] && return 0
  log "building traefik $TRAEFIK_VERSION (cold: ~8 min on 2 cores)"
  local work="$CACHE/build/traefik-$TRAEFIK_VERSION" out="$TRAEFIK_BIN.tmp" modfile
  rm -rf "$out"; mkdir -p "$work" "$out"
  modfile="$(cd "$work" && go_env "$GO" mod download -json "github.com/traefik/traefik/v3@$TRAEFIK_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  {
    echo "module knot.local/dev/cluster/traefik"
    echo
    sed -n 's/^go \(.*\)/go \1/p' "$modfile"
    echo
    echo "require github.com/traefik/traefik/v3 $TRAEFIK_VERSION"
    echo
    awk '/^(replace|exclude) \($/ { block = 1; print; next } block { print; if ($0 == ")") block = 0; next }
         /^(replace|exclude) / { print }' "$modfile"
  } >"$work/go.mod"
  (cd "$work" && go_env "$GO" build -trimpath \
    -ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION" \
    -o "$out/" github.com/traefik/traefik/v3/cmd/traefik)
  install_dir "$out" "$TRAEFIK_BIN"
}

build_etcd() {
  [[ -x $ETCD_BIN/etcd ]] && return 0
  log "building etcd $ETCD_VERSION"
  local work="$CACHE/build/etcd-$ETCD_VERSION" out="$ETCD_BIN.tmp"
  mkdir -p "$work" "$out"
  cp "$HERE/tools/etcd/main.go" "$work/main.go"
  printf 'module knot.local/dev/cluster/etcd\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >"$work/go.mod"
  (cd "$work" && go_env "$GO" build -trimpath -ldflags "-s -w" -o "$out/etcd" .)
  install_dir "$out" "$ETCD_BIN"
}

# Argo Workflows' SSO RBAC rule evaluation (expr-lang, Argo's claims type),
# for the tests of the rules Knot's provisioning writes.
build_argo_rbac_rule() {
  [[ -x $ARGO_RULE_BIN/argo-rbac-rule ]] && return 0
  log "building argo-rbac-rule (expr-lang $EXPR_VERSION)"
  local work="$CACHE/build/argo-rbac-rule" out="$ARGO_RULE_BIN.tmp"
  rm -rf "$work" "$out"; mkdir -p "$work" "$out"
  cp "$HERE/tools/argo-rbac-rule/main.go" "$work/main.go"
  printf 'module knot.local/dev/cluster/argo-rbac-rule\n\ngo 1.26.0\n\nrequire (\n\tgithub.com/expr-lang/expr %s\n\tgithub.com/go-jose/go-jose/v4 %s\n)\n' \
    "$EXPR_VERSION" "$GO_JOSE_VERSION" >"$work/go.mod"
  (cd "$work" && go_env "$GO" build -trimpath -ldflags "-s -w" -o "$out/argo-rbac-rule" .)
  install_dir "$out" "$ARGO_RULE_BIN"
}

build_goinstall() { # <dest dir> <pkg@version> <binary name> [ldflags]
  [[ -x $1/$3 ]] && return 0
  log "building $2"
  rm -rf "$1.tmp"; mkdir -p "$1.tmp"
  # `go install pkg@version` builds exactly the published module (no replaces).
  go_env GOBIN="$1.tmp" GOFLAGS=-buildvcs=false "$GO" install -trimpath -ldflags "-s -w ${4:-}" "$2"
  install_dir "$1.tmp" "$1"
}

build_kwok() {
  [[ -x $KWOK_BIN/kwok && -f $KWOK_BIN/stages.yaml ]] && return 0
  rm -rf "$KWOK_BIN"
  build_goinstall "$KWOK_BIN" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" kwok
  # The kwok binary has no built-in stages (kwokctl normally passes them in a
  # config file), so ship the same defaults kwokctl uses, taken from the
  # module source of the exact version we built: nodes become Ready with lease
  # heartbeats, pods go Running, Job pods Succeed, deleted pods get removed.
  local dir s
  dir="$(cd "$CACHE" && go_env "$GO" mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
  for s in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
           pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
    echo "---"; cat "$dir/kustomize/stage/$s.yaml"
  done >"$KWOK_BIN/stages.yaml.tmp"
  mv "$KWOK_BIN/stages.yaml.tmp" "$KWOK_BIN/stages.yaml"
}

cmd_build() {
  [[ -x $GO ]] || die "go not found (set GO=/path/to/go)"
  have_binaries && return 0
  mkdir -p "$CACHE"
  exec 8>"$CACHE/build.lock" # parallel builds would share the .tmp dirs
  flock -w 1800 8 || die "another build holds $CACHE/build.lock"
  have_binaries && return 0 # built meanwhile by the lock holder
  build_etcd
  build_kwok
  build_goinstall "$HELM_BIN" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" helm \
    "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  # A small in-memory OCI registry: tests push charts to it with helm.
  build_goinstall "$REGISTRY_BIN" "github.com/google/go-containerregistry/cmd/registry@$REGISTRY_VERSION" registry
  build_argo_rbac_rule
  build_kube
  [[ $REAL_NODE == 1 ]] || { log "binaries ready under $CACHE/bin (KNOT_REAL_NODE=0: no real-node tools)"; return 0; }
  # The real node, its images and its ingress.
  build_kubelet
  build_goinstall "$CRICTL_BIN" "sigs.k8s.io/cri-tools/cmd/crictl@$CRICTL_VERSION" crictl \
    "-X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION"
  build_goinstall "$CRANE_BIN" "github.com/google/go-containerregistry/cmd/crane@$REGISTRY_VERSION" crane
  build_goinstall "$DISTRIBUTION_BIN" "github.com/distribution/distribution/v3/cmd/registry@$DISTRIBUTION_VERSION" registry \
    "-X github.com/distribution/distribution/v3/version.version=$DISTRIBUTION_VERSION"
  build_traefik
  log "binaries ready under $CACHE/bin"
}

# ----------------------------------------------------------------- certs ----

# One CA per data dir. ECDSA keys: generation is instant, so a fresh `up`
# stays fast; everything only needs to be trusted on this machine.
new_key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; chmod 600 "$1"; }

sign_cert() { # <name> <subject> <extensions>  (signed by ca)
  local d="$DATA/pki"
  new_key "$d/$1.key"
  openssl req -new -key "$d/$1.key" -subj "$2" -out "$d/$1.csr" 2>/dev/null
  printf '%s\n' "$3" >"$d/$1.ext"
  openssl x509 -req -in "$d/$1.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
    -days 3650 -extfile "$d/$1.ext" -out "$d/$1.crt" 2>/dev/null
  rm -f "$d/$1.csr" "$d/$1.ext"
}

# 10.96.0.1 is the in-cluster `kubernetes` service IP (first of SERVICE_CIDR);
# 10.245.<k>.1 the real node's IP in every slot k, where pods reach the API
# server (node_apiserver_access): the slot is only known once the node starts.
apiserver_cert() {
  local ips="IP:127.0.0.1,IP:10.96.0.1" k
  for ((k = 0; k < NODE_MAX_SLOTS; k++)); do ips+=",IP:$NODE_NET_PREFIX.$k.1"; done
  sign_cert apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$ips,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
}

make_pki() {
  local d="$DATA/pki"
  # Data dirs made before the node IPs were in the certificate get a new one.
  if [[ -f $d/done ]] && ! openssl x509 -in "$d/apiserver.crt" -noout -ext subjectAltName 2>/dev/null |
    grep -q "IP Address:$NODE_NET_PREFIX.$((NODE_MAX_SLOTS - 1)).1"; then
    log "re-issuing the apiserver certificate with the node IPs"
    apiserver_cert
  fi
  [[ -f $d/done ]] && return 0
  log "generating CA and certificates in $d"
  rm -rf "$d"; mkdir -p "$d"
  new_key "$d/ca.key"
  openssl req -x509 -new -key "$d/ca.key" -subj "/CN=knot-local-ca" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$d/ca.crt" 2>/dev/null
  local client="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  apiserver_cert
  sign_cert admin "/O=system:masters/CN=knot-admin" "$client"
  sign_cert kube-controller-manager "/CN=system:kube-controller-manager" "$client"
  sign_cert kube-scheduler "/CN=system:kube-scheduler" "$client"
  # kwok updates node/pod status for every fake node; the node authorizer only
  # lets a kubelet touch its own node, so kwok runs with admin rights.
  sign_cert kwok "/O=system:masters/CN=kwok-controller" "$client"
  # Client cert the apiserver uses towards aggregated APIs (metrics-server etc).
  sign_cert front-proxy-client "/CN=front-proxy-client" "$client"
  # Service-account token signing key pair.
  openssl genrsa -out "$d/sa.key" 2048 2>/dev/null
  openssl rsa -in "$d/sa.key" -pubout -out "$d/sa.pub" 2>/dev/null
  touch "$d/done"
}

# Certificates added after a data dir was first created.
make_pki_extra() {
  local d="$DATA/pki"
  # The apiserver's client cert towards kubelets (logs, exec, port-forward).
  [[ -f $d/apiserver-kubelet-client.crt ]] || sign_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
}

write_kubeconfig() { # <file> <cert name>
  local d="$DATA/pki"
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: knot-local
  cluster:
    server: https://$HOST:$API_PORT
    certificate-authority: $d/ca.crt
users:
- name: $2
  user:
    client-certificate: $d/$2.crt
    client-key: $d/$2.key
contexts:
- name: knot-local
  context: {cluster: knot-local, user: $2}
current-context: knot-local
EOF
  chmod 600 "$1"
}

# ------------------------------------------------------------- processes ----

pidfile() { echo "$DATA/run/$1.pid"; }

# A pid only counts as ours if the process still has this data dir on its
# command line, so a recycled pid is never mistaken for (or killed as) ours.
running() {
  local f pid; f="$(pidfile "$1")"
  [[ -f $f ]] || return 1
  pid="$(<"$f")"
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' </proc/"$pid"/cmdline | grep -qF -- "$DATA/"
}

start() { # <name> <binary> <args...>
  local name="$1"; shift
  running "$name" && return 0
  (
    # Close every inherited fd above 2 (our lock fds, a caller's pipes): a
    # daemon must never hold the data-dir lock or keep a caller's pipe open.
    local fd
    for fd in /proc/"$BASHPID"/fd/*; do
      fd="${fd##*/}"
      if ((fd > 2)); then eval "exec $fd>&-"; fi
    done
    # setsid: the cluster must survive the shell (and Ctrl-C) that ran `up`.
    # It doesn't fork here (we're not a group leader), so $! is the daemon.
    exec setsid "$@" >"$DATA/logs/$name.log" 2>&1 </dev/null
  ) &
  echo $! >"$(pidfile "$name")"
}

stop_group() { # <component...>: TERM them together, wait (KILL after 10 s)
  local name pid i n names=() pids=()
  for name in "$@"; do
    running "$name" || continue
    pid="$(<"$(pidfile "$name")")"
    kill -TERM "$pid" 2>/dev/null || true
    names+=("$name"); pids+=("$pid")
  done
  for i in "${!pids[@]}"; do
    pid="${pids[i]}"
    for ((n = 0; n < 100; n++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "${names[i]} (pid $pid) did not stop in 10s, killing"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
  done
}

# Clients first, then the apiserver, etcd last: an apiserver whose etcd is
# already gone can hang in shutdown.
stop_all() {
  stop_group kwok kube-scheduler kube-controller-manager
  node_down
  stop_group traefik registry
  stop_group kube-apiserver
  stop_group etcd
  local name; for name in "${COMPONENTS[@]}" "${REAL_COMPONENTS[@]}"; do rm -f "$(pidfile "$name")"; done
}

wait_for() { # <description> <timeout s> <command...>
  local what="$1" deadline=$((SECONDS + $2)); shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "timed out waiting for $what; last log lines:"
      tail -n 5 "$DATA"/logs/*.log >&2 || true
      return 1
    fi
    # Fail fast if a component died instead of waiting for the timeout.
    local c; for c in "${COMPONENTS[@]}" "${REAL_COMPONENTS[@]}"; do
      [[ -f $(pidfile "$c") ]] && ! running "$c" && { log "$c exited; see $DATA/logs/$c.log"; tail -n 20 "$DATA/logs/$c.log" >&2; return 1; }
    done
    sleep 0.2
  done
}

readyz() { curl -sf --max-time 2 --cacert "$DATA/pki/ca.crt" "https://$HOST:$API_PORT/readyz" | grep -qx ok; }
kubectl_admin() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

fake_nodes() {
  local i
  for ((i = 0; i < NUM_NODES; i++)); do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/role: agent
    node-role.kubernetes.io/agent: ""
spec:
  podCIDR: 10.244.$i.0/24
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "110", ephemeral-storage: 1Ti}
  capacity: {cpu: "32", memory: 256Gi, pods: "110", ephemeral-storage: 1Ti}
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
    kubeletVersion: fake
    kubeProxyVersion: fake
EOF
  done
}

port_busy() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
ports_free() {
  local p; for p in "$API_PORT" "$ETCD_CLIENT_PORT" "$ETCD_PEER_PORT" "$KCM_PORT" "$SCHED_PORT" "$KWOK_PORT" \
    "$REGISTRY_PORT" "$INGRESS_PORT" "$INGRESS_PING_PORT"; do
    port_busy "$p" && return 1
  done
  return 0
}

# Called with none of our components running.
pick_ports() {
  if [[ -n ${KNOT_APISERVER_PORT:-} || -f $PORT_FILE ]]; then
    ports_free || die "a port of $API_PORT+{0,10,11,20..25} (or KNOT_INGRESS_PORT) is in use by another process; set KNOT_APISERVER_PORT (or use another KNOT_CLUSTER_DIR)"
  else
    local k
    for ((k = 0; k < 20; k++)); do
      API_PORT=$((16443 + 100 * k)); set_ports
      ports_free && break
      ((k < 19)) || die "no free port block found from 16443 on; set KNOT_APISERVER_PORT"
    done
  fi
  echo "$API_PORT" >"$PORT_FILE"
}

# Serialise up/down of one data dir (e.g. two test scripts starting it at once).
lock_data_dir() {
  mkdir -p "$(dirname "$DATA")"
  exec 9>"$DATA.lock"
  flock -w 300 9 || die "another cluster.sh up/down on $DATA is still running (lock $DATA.lock)"
}

# ------------------------------------------------------------- commands ----

cluster_up() { running etcd && running kube-apiserver && running kube-controller-manager &&
  running kube-scheduler && running kwok && readyz && { [[ $REAL_NODE == 0 ]] || real_up; }; }
real_up() { running registry && running containerd && running kubelet && running traefik; }

cmd_up_local() {
  lock_data_dir
  if [[ ${KNOT_CLUSTER_FRESH:-0} == 1 ]]; then
    # Tests: never inherit objects from an earlier run killed before its
    # clean-up (webhook configurations pointing at a dead endpoint refuse
    # every pod and Ingress of the namespaces they select).
    if [[ -d $DATA/run || -d $DATA/etcd ]]; then
      log "removing what an earlier cluster left in $DATA (KNOT_CLUSTER_FRESH=1)"
      remove_data_dir
    fi
  elif cluster_up; then
    log "already up ($DATA)"
    return 0
  fi
  have_binaries || cmd_build
  if [[ $REAL_NODE == 1 && $(id -u) != 0 ]]; then
    die "the real node needs root (containers, mounts, a bridge); run as root or with KNOT_REAL_NODE=0"
  fi
  local t0=$SECONDS
  # A failed `up` stops whatever it started (logs stay in the data dir).
  UP_OK=false
  trap '$UP_OK || { log "up failed; stopping components (logs: $DATA/logs)"; stop_all; }' EXIT
  mkdir -p "$DATA"/{run,logs,etcd}; chmod 700 "$DATA/etcd" # etcd warns otherwise
  stop_all # a half-up cluster (crash, reboot) is restarted from scratch
  pick_ports
  echo "$REAL_NODE" >"$DATA/real-node"
  make_pki
  make_pki_extra
  local p="$DATA/pki"
  write_kubeconfig "$KUBECONFIG_FILE" admin
  write_kubeconfig "$DATA/kube-controller-manager.kubeconfig" kube-controller-manager
  write_kubeconfig "$DATA/kube-scheduler.kubeconfig" kube-scheduler
  write_kubeconfig "$DATA/kwok.kubeconfig" kwok

  # etcd speaks plain http, but only on loopback; the apiserver is its only client.
  start etcd "$ETCD_BIN/etcd" --name knot --data-dir "$DATA/etcd" \
    --listen-client-urls "http://$HOST:$ETCD_CLIENT_PORT" --advertise-client-urls "http://$HOST:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://$HOST:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://$HOST:$ETCD_PEER_PORT" \
    --initial-cluster "knot=http://$HOST:$ETCD_PEER_PORT" \
    --listen-metrics-urls "" --unsafe-no-fsync --quota-backend-bytes 2147483648 --log-level warn

  # --endpoint-reconciler-type=none: the apiserver refuses to publish a
  # loopback address as the `kubernetes` service endpoint otherwise.
  # --enable-aggregator-routing: webhooks and aggregated APIs behind a
  # Service are called at their endpoints' pod IPs (no kube-proxy here).
  # shellcheck disable=SC2086 # KNOT_APISERVER_ARGS is a word-split flag list
  start kube-apiserver "$KUBE_BIN/kube-apiserver" \
    --bind-address "$HOST" --advertise-address "$HOST" --secure-port "$API_PORT" \
    --etcd-servers "http://$HOST:$ETCD_CLIENT_PORT" --endpoint-reconciler-type none \
    --cert-dir "$DATA/run" --tls-cert-file "$p/apiserver.crt" --tls-private-key-file "$p/apiserver.key" \
    --client-ca-file "$p/ca.crt" --authorization-mode Node,RBAC --allow-privileged \
    --enable-admission-plugins NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,DefaultTolerationSeconds,NodeRestriction,PersistentVolumeClaimResize,Priority,ResourceQuota,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$p/sa.pub" --service-account-signing-key-file "$p/sa.key" \
    --requestheader-client-ca-file "$p/ca.crt" --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "$p/front-proxy-client.crt" --proxy-client-key-file "$p/front-proxy-client.key" \
    --kubelet-client-certificate "$p/apiserver-kubelet-client.crt" --kubelet-client-key "$p/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$p/ca.crt" --kubelet-preferred-address-types InternalIP \
    --enable-aggregator-routing \
    --profiling=false --v 1 ${KNOT_APISERVER_ARGS:-}
  wait_for "kube-apiserver /readyz" 60 readyz

  # Leader election off: single instance, and a restart would otherwise wait
  # for the previous lease to expire (~15 s). A long node grace period: on a
  # starved 2-core machine kwok's heartbeats can lag past the 50 s default,
  # and NotReady-tainted fake nodes would leave new pods Pending.
  start kube-controller-manager "$KUBE_BIN/kube-controller-manager" \
    --kubeconfig "$DATA/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig "$DATA/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig "$DATA/kube-controller-manager.kubeconfig" \
    --bind-address "$HOST" --secure-port "$KCM_PORT" --leader-elect=false \
    --use-service-account-credentials --service-account-private-key-file "$p/sa.key" \
    --root-ca-file "$p/ca.crt" --cluster-signing-cert-file "$p/ca.crt" --cluster-signing-key-file "$p/ca.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --cluster-cidr "$POD_CIDR" --allocate-node-cidrs=false \
    --controllers '*,bootstrapsigner,tokencleaner' --profiling=false --v 1 \
    --node-monitor-grace-period 10m
  start kube-scheduler "$KUBE_BIN/kube-scheduler" \
    --kubeconfig "$DATA/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig "$DATA/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig "$DATA/kube-scheduler.kubeconfig" \
    --bind-address "$HOST" --secure-port "$SCHED_PORT" --leader-elect=false --profiling=false --v 1
  start kwok "$KWOK_BIN/kwok" --config "$KWOK_BIN/stages.yaml" --kubeconfig "$DATA/kwok.kubeconfig" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --cidr "$POD_CIDR" --node-ip "$HOST" --server-address "$HOST:$KWOK_PORT"

  fake_nodes | kubectl_admin apply -f - >/dev/null
  # Datashim's Dataset CRDs (both API groups it has used): the Datasets page
  # and the webhook work against them; Argo Workflows' (provisioning grants
  # them per profile); crds/ holds why.
  kubectl_admin apply -f "$HERE/crds/" >/dev/null
  wait_for "default ServiceAccount" 60 kubectl_admin -n default get serviceaccount default
  wait_for "Dataset and Argo CRDs" 30 kubectl_admin wait --for=condition=Established crd/datasets.datashim.io crd/datasets.com.ie.ibm.hpsys crd/workflows.argoproj.io --timeout 1s
  wait_for "Ready fake nodes" 60 kubectl_admin wait --for=condition=Ready node -l type=kwok --timeout 1s
  local t1=$SECONDS
  if [[ $REAL_NODE == 1 ]]; then real_node_up; fi
  UP_OK=true
  log "up in $((SECONDS - t0))s (control plane + kwok $((t1 - t0))s, real node + registry + ingress $((SECONDS - t1))s): apiserver https://$HOST:$API_PORT, data dir $DATA"
  log "use it with: eval \"\$($0 env)\""
}

# Registry, real node and ingress. The sandbox image is built (cached) and
# pushed first: the node pulls it from the registry like every other image.
real_node_up() {
  registry_write_config "$DATA/registry.yaml" "$REGISTRY_PORT" "$CACHE/images/registry"
  mkdir -p "$CACHE/images/registry"
  start registry env "${registry_env[@]}" "$DISTRIBUTION_BIN/registry" serve "$DATA/registry.yaml"
  "$HERE/../images/build.sh" build pause
  wait_for "image registry" 30 registry_ready "$REGISTRY_PORT"
  node_start
  ingress_up
  node_wait
}

# Stops what runs from the data dir and empties it (the lock stays held).
remove_data_dir() {
  [[ -d $DATA/run ]] && stop_all
  # Never rm -rf through a mount (a pod's rootfs, a volume): say what is left.
  local left; left="$(awk -v d="$DATA/" 'index($2, d) == 1 { print $2 }' /proc/mounts)"
  [[ -z $left ]] || die "still mounted under $DATA (not removed):"$'\n'"$left"
  rm -rf "$DATA"
}

cmd_down_local() {
  local keep=false; [[ ${1:-} == --keep ]] && keep=true
  lock_data_dir
  if $keep; then
    [[ -d $DATA/run ]] && stop_all
    log "stopped; kept $DATA"
  else
    remove_data_dir
    rm -f "$DATA.lock"
    log "stopped; removed $DATA"
  fi
}

cmd_status_local() {
  local c rc=0 pid
  for c in "${COMPONENTS[@]}"; do
    if running "$c"; then pid="$(<"$(pidfile "$c")")"; printf '%-24s running (pid %s)\n' "$c" "$pid"
    else printf '%-24s stopped\n' "$c"; rc=1; fi
  done
  if readyz; then echo "apiserver https://$HOST:$API_PORT ready"; else echo "apiserver https://$HOST:$API_PORT not ready"; rc=1; fi
  if [[ $REAL_NODE == 1 ]]; then
    for c in "${REAL_COMPONENTS[@]}"; do
      if running "$c"; then pid="$(<"$(pidfile "$c")")"; printf '%-24s running (pid %s)\n' "$c" "$pid"
      else printf '%-24s stopped\n' "$c"; rc=1; fi
    done
    if ingress_ready; then echo "ingress https://*.$INGRESS_DOMAIN at $HOST:$INGRESS_PORT ready"; else echo "ingress not ready"; rc=1; fi
  fi
  return $rc
}

# kind: a real (Docker) cluster, e.g. for CI runners that have Docker.
KIND_NAME="${KNOT_KIND_NAME:-knot}"
cmd_up_kind() {
  if ! command -v docker >/dev/null || ! docker info >/dev/null 2>&1; then
    die "KNOT_CLUSTER=kind needs a working Docker engine"
  fi
  command -v kind >/dev/null || die "kind not on PATH (go install sigs.k8s.io/kind@$KIND_VERSION)"
  mkdir -p "$DATA"
  if kind get clusters 2>/dev/null | grep -qx "$KIND_NAME"; then
    kind export kubeconfig --name "$KIND_NAME" --kubeconfig "$KUBECONFIG_FILE"
  else
    kind create cluster --name "$KIND_NAME" --config "${KNOT_KIND_CONFIG:-$HERE/../../e2e/kind-config.yaml}" \
      --image "${KNOT_KIND_IMAGE:-kindest/node:$KUBE_VERSION}" --kubeconfig "$KUBECONFIG_FILE" --wait 120s
  fi
}

# external: whatever $KUBECONFIG points at; only verified, never started/stopped.
cmd_up_external() {
  [[ -n ${KUBECONFIG:-} && -f ${KUBECONFIG%%:*} ]] || die "KNOT_CLUSTER=external needs KUBECONFIG set to an existing file"
  local k; k="$(command -v kubectl || echo "$KUBECTL")"
  "$k" get --raw /readyz >/dev/null || die "cluster in $KUBECONFIG is not reachable/ready"
  log "external cluster in $KUBECONFIG is reachable"
}

cmd_env() {
  case "$MODE" in
    external) ;; # keep the caller's KUBECONFIG
    *) echo "export KUBECONFIG=$KUBECONFIG_FILE" ;;
  esac
  echo "export PATH=$KUBE_BIN:$HELM_BIN:$REGISTRY_BIN:$KWOK_BIN:$ETCD_BIN:$CRICTL_BIN:$CRANE_BIN:$ARGO_RULE_BIN:\$PATH"
  if [[ $MODE == local && $REAL_NODE == 1 ]]; then
    echo "export KNOT_REAL_NODE=1"
    echo "export CONTAINER_RUNTIME_ENDPOINT=unix://$(containerd_sock)" # crictl
    echo "export KNOT_IMAGE_REGISTRY_ADDRESS=$HOST:$REGISTRY_PORT"
    ingress_env
  fi
}

# ------------------------------------------------------------------ main ----

cmd="${1:-}"; shift || true
case "$MODE:$cmd" in
  *:build) cmd_build ;;
  *:env) cmd_env ;;
  local:up) cmd_up_local ;;
  local:down) cmd_down_local "$@" ;;
  local:status) cmd_status_local ;;
  kind:up) cmd_up_kind ;;
  kind:down) kind delete cluster --name "$KIND_NAME"; [[ ${1:-} == --keep ]] || rm -rf "$DATA" ;;
  kind:status) KUBECONFIG="$KUBECONFIG_FILE" kubectl get --raw /readyz ;;
  external:up | external:status) cmd_up_external ;;
  external:down) log "external cluster: nothing to stop" ;;
  *) echo "usage: $0 build|up|down [--keep]|status|env" >&2; exit 2 ;;
esac
