# The local ingress controller (sourced by cluster.sh): Traefik, built from the
# Go module proxy, running outside the cluster on 127.0.0.1 and reading
# Ingresses through its Kubernetes Ingress NGINX provider, so the
# ingress-nginx annotations Knot's webhook sets (auth-url,
# auth-response-headers) work unchanged. TLS for the domain and *.<domain>
# from a local CA.
#
# Domain: KNOT_INGRESS_DOMAIN (default knot.localtest.me). Nothing resolves it
# here (no DNS, no /etc/hosts): clients map names to 127.0.0.1:<port>
# themselves (curl --connect-to, Chromium --host-resolver-rules, a custom
# lookup in Node). With public DNS, *.localtest.me already is 127.0.0.1.

INGRESS_DOMAIN="${KNOT_INGRESS_DOMAIN:-knot.localtest.me}"
# The CA is per machine and domain (not per data dir), so that it can be
# trusted once (browser profile, NODE_EXTRA_CA_CERTS); it is name-constrained
# to the domain, so trusting it cannot vouch for any other site.
INGRESS_CA_DIR="$CACHE/ingress-ca/$INGRESS_DOMAIN"
INGRESS_CLASS=nginx

ingress_ca() {
  [[ -f $INGRESS_CA_DIR/ca.crt ]] && return 0
  local tmp="$INGRESS_CA_DIR.tmp"
  rm -rf "$tmp"; mkdir -p "$tmp"
  new_key "$tmp/ca.key"
  openssl req -x509 -new -key "$tmp/ca.key" -subj "/O=Knot local development/CN=Knot ingress CA for $INGRESS_DOMAIN" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "nameConstraints=critical,permitted;DNS:$INGRESS_DOMAIN" -out "$tmp/ca.crt" 2>/dev/null
  rm -rf "$INGRESS_CA_DIR"; mv "$tmp" "$INGRESS_CA_DIR"
}

# The serving cert for <domain> and *.<domain>, per data dir.
ingress_cert() {
  local d="$DATA/ingress"
  mkdir -p "$d"
  [[ -f $d/tls.crt && $(cat "$d/domain" 2>/dev/null) == "$INGRESS_DOMAIN" ]] &&
    openssl verify -CAfile "$INGRESS_CA_DIR/ca.crt" "$d/tls.crt" >/dev/null 2>&1 && return 0
  new_key "$d/tls.key"
  openssl req -new -key "$d/tls.key" -subj "/CN=$INGRESS_DOMAIN" -out "$d/tls.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s,DNS:*.%s\n' \
    "$INGRESS_DOMAIN" "$INGRESS_DOMAIN" >"$d/tls.ext"
  openssl x509 -req -in "$d/tls.csr" -CA "$INGRESS_CA_DIR/ca.crt" -CAkey "$INGRESS_CA_DIR/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -days 825 -extfile "$d/tls.ext" -out "$d/tls.crt" 2>/dev/null
  rm -f "$d/tls.csr" "$d/tls.ext"
  echo "$INGRESS_DOMAIN" >"$d/domain"
}

# Traefik's identity in the cluster: a ServiceAccount with read access to
# what the provider watches and write access to Ingress status, and a
# long-lived token (a service-account-token Secret), since Traefik only takes
# a bearer token. The IngressClass is the cluster default, so Ingresses
# without ingressClassName (the bundled charts') get it at admission.
ingress_rbac() {
  kubectl_admin apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ServiceAccount
metadata: {name: knot-ingress, namespace: kube-system}
---
apiVersion: v1
kind: Secret
metadata:
  name: knot-ingress-token
  namespace: kube-system
  annotations: {kubernetes.io/service-account.name: knot-ingress}
type: kubernetes.io/service-account-token
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: knot-ingress}
rules:
  - apiGroups: [""]
    resources: [services, endpoints, secrets, namespaces, nodes, pods, configmaps]
    verbs: [get, list, watch]
  - apiGroups: [discovery.k8s.io]
    resources: [endpointslices]
    verbs: [get, list, watch]
  - apiGroups: [networking.k8s.io]
    resources: [ingresses, ingressclasses]
    verbs: [get, list, watch]
  - apiGroups: [networking.k8s.io]
    resources: [ingresses/status]
    verbs: [update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: knot-ingress}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: knot-ingress}
subjects:
  - {kind: ServiceAccount, name: knot-ingress, namespace: kube-system}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: $INGRESS_CLASS
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec:
  controller: k8s.io/ingress-nginx
EOF
  local token=""
  wait_for "the ingress controller's token" 30 ingress_token_ready
  token="$(kubectl_admin -n kube-system get secret knot-ingress-token -o jsonpath='{.data.token}' | base64 -d)"
  (umask 077; printf '%s' "$token" >"$DATA/ingress/token")
}

ingress_token_ready() { [[ -n $(kubectl_admin -n kube-system get secret knot-ingress-token -o jsonpath='{.data.token}') ]]; }

# Traefik's file provider watches a directory: tls.yaml (the default
# certificate) here, and routes to processes outside the cluster that others
# drop in (scripts/start: the portal at https://<domain>:<port>).
ingress_config() {
  local d="$DATA/ingress"
  mkdir -p "$d/dynamic"
  rm -f "$d/dynamic.yaml"
  cat >"$d/dynamic/tls.yaml" <<EOF
tls:
  stores:
    default:
      defaultCertificate:
        certFile: $d/tls.crt
        keyFile: $d/tls.key
EOF
  # forwardedHeaders untrusted (default): client X-Forwarded-* are dropped.
  cat >"$d/traefik.yaml" <<EOF
global: {checkNewVersion: false, sendAnonymousUsage: false}
log: {level: WARN}
accessLog: {filePath: $DATA/logs/traefik-access.log}
entryPoints:
  websecure:
    address: $HOST:$INGRESS_PORT
    http: {tls: {}}
  ping:
    address: $HOST:$INGRESS_PING_PORT
ping: {entryPoint: ping}
providers:
  file: {directory: $d/dynamic, watch: true}
  kubernetesIngressNGINX:
    endpoint: https://$HOST:$API_PORT
    token: $d/token
    certAuthFilePath: $DATA/pki/ca.crt
    ingressClass: $INGRESS_CLASS
    controllerClass: k8s.io/ingress-nginx
    publishStatusAddress: [$HOST]
EOF
}

ingress_ready() { curl -sf --max-time 2 -o /dev/null "http://$HOST:$INGRESS_PING_PORT/ping"; }

ingress_up() {
  ingress_ca
  ingress_cert
  ingress_rbac
  ingress_config
  start traefik "$TRAEFIK_BIN/traefik" --configFile "$DATA/ingress/traefik.yaml"
  wait_for "traefik /ping" 30 ingress_ready
}

# Facts for clients (cluster.sh env / ingress-info): where to connect and what to trust.
ingress_env() {
  echo "export KNOT_INGRESS_DOMAIN=$INGRESS_DOMAIN"
  echo "export KNOT_INGRESS_ADDRESS=$HOST:$INGRESS_PORT"
  echo "export KNOT_INGRESS_CA=$INGRESS_CA_DIR/ca.crt"
  echo "export KNOT_INGRESS_CLASS=$INGRESS_CLASS"
  echo "export KNOT_INGRESS_TLS_DIR=$DATA/ingress"
  echo "export KNOT_INGRESS_ROUTES_DIR=$DATA/ingress/dynamic"
}
