# The real node of a local cluster (sourced by cluster.sh): a kubelet built from
# the same k8s.io/kubernetes module as the control plane, Debian's containerd,
# runc and CNI plugins, all state under $DATA/node. Pods that ask for it (or
# whose namespace matches KNOT_REAL_NODE_NAMESPACES) really run there; the
# kwok nodes stay for everything else.
#
# Machine-wide resources are claimed per data dir through a slot k (0..31) in
# $NODE_SLOTS: bridge knotbr<k> with 10.245.<k>.1/24 (the node's IP and the
# pods' gateway), pods 10.245.<k>.2-254, CNI network knot-node-<k>. Several
# clusters (data dirs) each get their own node; nothing is shared but the
# Debian binaries. Everything here assumes root (containers, mounts, bridges).

NODE_NAME=real-node
NODE_DIR="$DATA/node"
NODE_SLOTS="${KNOT_NODE_SLOTS_DIR:-/run/knot/nodes}"
NODE_NET_PREFIX=10.245 # pods of slot k: 10.245.k.0/24
NODE_MAX_SLOTS=32
# The node's label and taint: pods need the toleration and the selector.
NODE_LABEL_KEY=knot.dev/node
NODE_LABEL_VALUE=real
NODE_COMPONENTS=(containerd kubelet)

node_set_slot() { # <k>
  NODE_SLOT="$1"
  NODE_BRIDGE="knotbr$1"
  NODE_IP="$NODE_NET_PREFIX.$1.1"
  NODE_SUBNET="$NODE_NET_PREFIX.$1.0/24"
  NODE_NET="knot-node-$1"
}

containerd_sock() { echo "$NODE_DIR/containerd.sock"; }
crictl_node() { "$CRICTL_BIN/crictl" --runtime-endpoint "unix://$(containerd_sock)" --image-endpoint "unix://$(containerd_sock)" --timeout 20s "$@"; }

node_packages() {
  knot_cluster_apt_ensure containerd containerd runc runc /usr/lib/cni/bridge containernetworking-plugins iptables iptables
}

# -------------------------------------------------------------- slot ----

# The slot this data dir holds, or a free one. A slot is free when its file
# is missing or names a data dir whose containerd is not running.
node_claim_slot() {
  mkdir -p "$NODE_SLOTS"
  exec 6>"$NODE_SLOTS/.lock"
  flock -w 60 6 || die "cannot lock $NODE_SLOTS/.lock"
  local k owner
  if [[ -f $NODE_DIR/slot ]]; then
    k="$(<"$NODE_DIR/slot")"
    if [[ $(cat "$NODE_SLOTS/$k" 2>/dev/null) == "$DATA" ]]; then node_set_slot "$k"; exec 6>&-; return 0; fi
  fi
  for ((k = 0; k < NODE_MAX_SLOTS; k++)); do
    owner="$(cat "$NODE_SLOTS/$k" 2>/dev/null || true)"
    if [[ -z $owner ]] || ! node_owner_alive "$owner"; then
      echo "$DATA" >"$NODE_SLOTS/$k"
      mkdir -p "$NODE_DIR"; echo "$k" >"$NODE_DIR/slot"
      node_set_slot "$k"
      exec 6>&-
      return 0
    fi
  done
  exec 6>&-
  die "all 32 real-node slots in $NODE_SLOTS are held by running clusters; stop one (cluster.sh down)"
}

node_owner_alive() { # <data dir>: is that cluster's node running, or its `up` under way?
  [[ -e $1.lock ]] && ! flock -n "$1.lock" true && return 0
  local pid; pid="$(cat "$1/run/containerd.pid" 2>/dev/null)" || return 1
  [[ -n $pid && -r /proc/$pid/cmdline ]] && tr '\0' ' ' </proc/"$pid"/cmdline | grep -qF -- "$1/"
}

node_others_alive() { # is another data dir's real node running on this machine?
  local f owner
  for f in "$NODE_SLOTS"/*; do
    [[ -f $f ]] || continue
    owner="$(cat "$f")"
    [[ $owner != "$DATA" ]] && node_owner_alive "$owner" && return 0
  done
  return 1
}

node_release_slot() {
  [[ -f $NODE_DIR/slot ]] || return 0
  local k; k="$(<"$NODE_DIR/slot")"
  [[ $(cat "$NODE_SLOTS/$k" 2>/dev/null) == "$DATA" ]] && rm -f "$NODE_SLOTS/$k"
  rm -f "$NODE_DIR/slot"
}

# ----------------------------------------------------------- network ----

# The bridge exists before any pod so that the kubelet can bind the node IP.
node_bridge_up() {
  if ! ip link show "$NODE_BRIDGE" >/dev/null 2>&1; then
    ip link add "$NODE_BRIDGE" type bridge
  fi
  node_quiet_addresses
  ip addr replace "$NODE_IP/24" dev "$NODE_BRIDGE"
  ip link set "$NODE_BRIDGE" up
  node_apiserver_access
}

# Pods reach the API server (which listens on 127.0.0.1 only) at
# <node IP>:<api port>, a name its certificate carries: a DNAT from the
# bridge to loopback (route_localnet lets the kernel route it), and, as
# kube-proxy does, a DROP of every other packet from the bridge to 127/8,
# so pods reach nothing else on the host's loopback (etcd, registry, ...).
# In-cluster clients are told the address (Knot's chart:
# knot.kubernetes.apiServer.host/port); rules tagged for node_sweep.
node_apiserver_access() {
  local tag="knot-apiserver $NODE_NET"
  sysctl -qw "net.ipv4.conf.$NODE_BRIDGE.route_localnet=1"
  iptables -t nat -C PREROUTING -i "$NODE_BRIDGE" -d "$NODE_IP" -p tcp --dport "$API_PORT" -m comment --comment "$tag" -j DNAT --to-destination "127.0.0.1:$API_PORT" 2>/dev/null ||
    iptables -t nat -A PREROUTING -i "$NODE_BRIDGE" -d "$NODE_IP" -p tcp --dport "$API_PORT" -m comment --comment "$tag" -j DNAT --to-destination "127.0.0.1:$API_PORT"
  # The ingress too (its HTTPS port), so pods reach <domain> like browsers
  # do when their /etc/hosts names the node IP (Knot's portal: its own OIDC
  # endpoints at its public URL).
  if [[ -n ${INGRESS_PORT:-} ]]; then
    iptables -t nat -C PREROUTING -i "$NODE_BRIDGE" -d "$NODE_IP" -p tcp --dport "$INGRESS_PORT" -m comment --comment "$tag" -j DNAT --to-destination "127.0.0.1:$INGRESS_PORT" 2>/dev/null ||
      iptables -t nat -A PREROUTING -i "$NODE_BRIDGE" -d "$NODE_IP" -p tcp --dport "$INGRESS_PORT" -m comment --comment "$tag" -j DNAT --to-destination "127.0.0.1:$INGRESS_PORT"
  fi
  iptables -C INPUT -i "$NODE_BRIDGE" -d 127.0.0.0/8 -m conntrack ! --ctstate DNAT -m comment --comment "$tag" -j DROP 2>/dev/null ||
    iptables -I INPUT -i "$NODE_BRIDGE" -d 127.0.0.0/8 -m conntrack ! --ctstate DNAT -m comment --comment "$tag" -j DROP
}

# Chromium fails every request in flight (net::ERR_NETWORK_CHANGED) whenever
# an address appears on or leaves any host interface, and each pod's host-side
# veth would get an IPv6 link-local address: a browser on this machine (the
# e2e tests, a developer's) would break at random as pods start and stop. So
# the bridge and new host interfaces get no IPv6; pods keep theirs (a new
# network namespace starts from the kernel's IPv6 defaults, not the host's).
# The host's previous default comes back when the last real node stops.
node_quiet_addresses() {
  [[ -d /proc/sys/net/ipv6 ]] || return 0
  local saved="$NODE_SLOTS/ipv6-default"
  [[ -f $saved ]] || sysctl -n net.ipv6.conf.default.disable_ipv6 >"$saved"
  sysctl -qw net.ipv6.conf.default.disable_ipv6=1
  sysctl -qw "net.ipv6.conf.$NODE_BRIDGE.disable_ipv6=1"
}

node_restore_addresses() {
  local saved="$NODE_SLOTS/ipv6-default"
  [[ -f $saved ]] || return 0
  node_others_alive && return 0
  sysctl -qw "net.ipv6.conf.default.disable_ipv6=$(<"$saved")"
  rm -f "$saved"
}

node_cni_config() {
  mkdir -p "$NODE_DIR/cni/net.d" "$NODE_DIR/cni/ipam"
  # No portmap (hostPort): its chains are shared between networks and would
  # outlive a node. ipMasq lets pods reach beyond the host.
  cat >"$NODE_DIR/cni/net.d/10-knot.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "$NODE_NET",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$NODE_BRIDGE",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$NODE_DIR/cni/ipam",
        "ranges": [[{ "subnet": "$NODE_SUBNET", "gateway": "$NODE_IP" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "loopback" }
  ]
}
EOF
}

# ----------------------------------------------------------- containerd ----

node_containerd_config() {
  local d="$NODE_DIR/containerd" reg
  mkdir -p "$d/root" "$d/state" "$d/runc" "$d/opt" "$NODE_DIR/certs.d"
  # The image registry name the charts use resolves to this cluster's registry.
  reg="$NODE_DIR/certs.d/$KNOT_IMAGE_REGISTRY"
  mkdir -p "$reg"
  cat >"$reg/hosts.toml" <<EOF
server = "http://$HOST:$REGISTRY_PORT"

[host."http://$HOST:$REGISTRY_PORT"]
  capabilities = ["pull", "resolve"]
EOF
  cat >"$d/config.toml" <<EOF
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$(containerd_sock)"

[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$KNOT_IMAGE_REGISTRY/$IMAGE_pause"
  # This machine's sandbox lacks CAP_SYS_RESOURCE: lowering oom_score_adj
  # fails ("can't get final child's PID from pipe: EOF").
  restrict_oom_score_adj = true
  # Network namespaces under our state dir, not /var/run/netns.
  netns_mounts_under_state_dir = true
  stream_server_address = "$NODE_IP"
  stream_server_port = "0"
  disable_apparmor = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$d/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$NODE_DIR/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$NODE_DIR/certs.d"
EOF
}

# ------------------------------------------------------------- kubelet ----

node_certs() {
  local d="$DATA/pki"
  [[ -f $d/node-$NODE_NAME.crt ]] || sign_cert "node-$NODE_NAME" "/O=system:nodes/CN=system:node:$NODE_NAME" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  # The serving cert names the node IP, which depends on the slot.
  if [[ $(cat "$d/kubelet-serving.ip" 2>/dev/null) != "$NODE_IP" ]]; then
    sign_cert kubelet-serving "/CN=$NODE_NAME" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:$NODE_IP,DNS:$NODE_NAME"
    echo "$NODE_IP" >"$d/kubelet-serving.ip"
  fi
}

node_kubelet_config() {
  local p="$DATA/pki"
  write_kubeconfig "$DATA/kubelet.kubeconfig" "node-$NODE_NAME"
  mkdir -p "$NODE_DIR/kubelet" "$NODE_DIR/pod-logs" "$NODE_DIR/volume-plugins"
  # cgroup v1 here: failCgroupV1 false; cgroupfs, no QoS cgroups and no
  # node-allocatable enforcement (the kubelet does not own the cgroup tree).
  # Everything the kubelet listens on is bound to the node IP, so several
  # nodes on one machine never share a port.
  cat >"$NODE_DIR/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: $NODE_IP
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $p/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $p/kubelet-serving.crt
tlsPrivateKeyFile: $p/kubelet-serving.key
containerRuntimeEndpoint: unix://$(containerd_sock)
imageServiceEndpoint: unix://$(containerd_sock)
cgroupDriver: cgroupfs
failCgroupV1: false
cgroupsPerQOS: false
enforceNodeAllocatable: []
failSwapOn: false
podLogsDir: $NODE_DIR/pod-logs
volumePluginDir: $NODE_DIR/volume-plugins
registerWithTaints:
  - {key: $NODE_LABEL_KEY, value: $NODE_LABEL_VALUE, effect: NoSchedule}
serializeImagePulls: false
# The machine is shared and often near its disk/memory limits: evict late.
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
shutdownGracePeriod: 0s
resolvConf: /etc/resolv.conf
maxPods: 50
EOF
}

# ------------------------------------------------------------ lifecycle ----

node_running() { running containerd && running kubelet; }

node_start() {
  node_packages
  node_claim_slot
  mkdir -p "$NODE_DIR"
  node_bridge_up
  node_cni_config
  node_certs
  node_containerd_config
  start containerd containerd --config "$NODE_DIR/containerd/config.toml"
  wait_for "containerd's CRI" 30 crictl_node info
  node_kubelet_config
  start kubelet "$KUBELET_BIN/kubelet" --config "$NODE_DIR/kubelet.yaml" \
    --kubeconfig "$DATA/kubelet.kubeconfig" --root-dir "$NODE_DIR/kubelet" \
    --cert-dir "$NODE_DIR/kubelet/pki" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" \
    --node-labels "$NODE_LABEL_KEY=$NODE_LABEL_VALUE,type=$NODE_LABEL_VALUE" --v 1
  node_policy
}

node_wait() {
  wait_for "real node $NODE_NAME Ready" 90 kubectl_admin wait --for=condition=Ready "node/$NODE_NAME" --timeout 1s
}

# Sends the pods of the selected namespaces to the real node: a
# MutatingAdmissionPolicy (CEL, in the API server) adds the node selector and
# the toleration unless the pod already chose a node.
node_policy() {
  local selector="${KNOT_REAL_NODE_NAMESPACES-knot.dev/real-node=true}" labels="" kv
  if [[ -z $selector ]]; then
    kubectl_admin delete mutatingadmissionpolicybinding knot-real-node --ignore-not-found >/dev/null
    return 0
  fi
  for kv in ${selector//,/ }; do
    [[ $kv == *=* ]] || die "KNOT_REAL_NODE_NAMESPACES: '$kv' is not key=value"
    labels+="\"${kv%%=*}\": \"${kv#*=}\", "
  done
  kubectl_admin apply -f - >/dev/null <<EOF
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingAdmissionPolicy
metadata:
  name: knot-real-node
spec:
  matchConstraints:
    resourceRules:
      - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
  matchConditions:
    - name: no-node-chosen
      expression: >-
        !has(object.spec.nodeName) &&
        !(has(object.spec.nodeSelector) && object.spec.nodeSelector.size() > 0) &&
        !has(object.spec.affinity)
  failurePolicy: Fail
  reinvocationPolicy: Never
  mutations:
    - patchType: JSONPatch
      jsonPatch:
        expression: >-
          [
            JSONPatch{op: "add", path: "/spec/nodeSelector", value: {"$NODE_LABEL_KEY": "$NODE_LABEL_VALUE"}},
            has(object.spec.tolerations)
              ? JSONPatch{op: "add", path: "/spec/tolerations/-", value: Object.spec.tolerations{key: "$NODE_LABEL_KEY", operator: "Equal", value: "$NODE_LABEL_VALUE", effect: "NoSchedule"}}
              : JSONPatch{op: "add", path: "/spec/tolerations", value: [Object.spec.tolerations{key: "$NODE_LABEL_KEY", operator: "Equal", value: "$NODE_LABEL_VALUE", effect: "NoSchedule"}]}
          ]
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingAdmissionPolicyBinding
metadata:
  name: knot-real-node
spec:
  policyName: knot-real-node
  matchResources:
    namespaceSelector:
      matchLabels: {${labels%, }}
EOF
}

# Stops the node and removes everything it created outside its data dir's
# files: pod sandboxes (through CRI, so CNI tears down their networks),
# leftover containers, shims, mounts, network namespaces, iptables chains,
# the bridge, the CNI result cache, /var/log/containers links and the slot.
node_down() {
  [[ -d $NODE_DIR ]] || return 0
  local k; k="$(cat "$NODE_DIR/slot" 2>/dev/null || true)"
  [[ -n $k ]] && node_set_slot "$k"
  stop_group kubelet
  if running containerd; then
    crictl_node rmp --all --force >/dev/null 2>&1 || log "crictl rmp failed; sweeping leftovers"
  fi
  stop_group containerd
  node_sweep
  node_release_slot
  node_restore_addresses
  rm -f "$(pidfile containerd)" "$(pidfile kubelet)"
}

node_sweep() {
  local d="$NODE_DIR/containerd" pid id
  # Containers whose shim died with containerd: kill them through runc.
  if [[ -d $d/runc ]]; then
    for id in $(runc --root "$d/runc/k8s.io" list -q 2>/dev/null); do
      runc --root "$d/runc/k8s.io" kill "$id" KILL 2>/dev/null || true
      runc --root "$d/runc/k8s.io" delete --force "$id" 2>/dev/null || true
    done
  fi
  # Shims of this containerd (their command line names its socket).
  for pid in $(pgrep -f -- "-address $(containerd_sock)" || true); do
    kill -KILL "$pid" 2>/dev/null || true
  done
  # Mounts below the node dir (rootfs overlays, shm, netns, volumes), deepest first.
  local m
  for m in $(awk -v d="$NODE_DIR/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  if [[ -n ${NODE_NET:-} ]]; then
    # iptables chains the bridge plugin made for this network (ipMasq): the
    # POSTROUTING jump carries the network's name in its comment.
    local rule chain
    while read -r rule; do
      chain="$(sed -n 's/.*-j \(CNI-[0-9a-f]*\).*/\1/p' <<<"$rule")"
      # shellcheck disable=SC2086 # the rule is re-split into iptables words
      eval "iptables -t nat ${rule/-A /-D }" 2>/dev/null || true
      [[ -n $chain ]] && { iptables -t nat -F "$chain" 2>/dev/null; iptables -t nat -X "$chain" 2>/dev/null; } || true
    done < <(iptables -t nat -S POSTROUTING 2>/dev/null | grep -F "name: \\\"$NODE_NET\\\"" || true)
    # node_apiserver_access's rules.
    local table
    for table in nat filter; do
      while read -r rule; do
        # shellcheck disable=SC2086 # the rule is re-split into iptables words
        eval "iptables -t $table ${rule/-A /-D }" 2>/dev/null || true
      done < <(iptables -t "$table" -S 2>/dev/null | grep -F "\"knot-apiserver $NODE_NET\"" || true)
    done
    rm -f /var/lib/cni/results/"$NODE_NET"-* 2>/dev/null || true
    ip link del "$NODE_BRIDGE" 2>/dev/null || true
  fi
  # The kubelet's own chains (KUBE-FIREWALL, canaries, the iptables-mode
  # hint) are the same for every kubelet on the machine: removed with the last.
  if ! node_others_alive; then
    local ipt t c
    for ipt in iptables ip6tables; do
      while "$ipt" -t filter -D INPUT -j KUBE-FIREWALL 2>/dev/null; do :; done
      while "$ipt" -t filter -D OUTPUT -j KUBE-FIREWALL 2>/dev/null; do :; done
      for t in mangle nat filter; do
        for c in KUBE-FIREWALL KUBE-KUBELET-CANARY KUBE-IPTABLES-HINT; do
          "$ipt" -t "$t" -F "$c" 2>/dev/null && "$ipt" -t "$t" -X "$c" 2>/dev/null || true
        done
      done
    done
  fi
  # The kubelet links container logs into /var/log/containers (fixed path).
  local l
  for l in /var/log/containers/*.log; do
    [[ -L $l && $(readlink "$l") == "$NODE_DIR/"* ]] && rm -f "$l"
  done
  return 0
}
