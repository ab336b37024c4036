#!/usr/bin/env bash
# What an ingress in the data path costs: `crane push` of the same image
# straight to a registry and through Traefik (TLS + forwardAuth, TLS alone,
# plain HTTP + forwardAuth), interleaved round by round, with the CPU
# seconds of crane, the registry and Traefik. No Knot code: the bound any
# browser push through the ingress works within (README.md).
#
#   bench/images/ingress.sh [size-MiB]      (default 1024; env ROUNDS, default 3)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$KNOT_ROOT"
# shellcheck source=../../dev/cluster/versions.env
source <(grep -E '^(DISTRIBUTION|REGISTRY|TRAEFIK)_VERSION=' dev/cluster/versions.env | sed 's/ *#.*//')
source dev/cluster/lib/registry.sh
crane="$KNOT_CACHE_DIR/bin/crane-$REGISTRY_VERSION/crane"
traefik="$KNOT_CACHE_DIR/bin/traefik-$TRAEFIK_VERSION/traefik"
[ -x "$crane" ] && [ -x "$DISTRIBUTION_BIN/registry" ] && [ -x "$traefik" ] || {
  echo "crane, distribution's registry and traefik are built by dev/cluster/cluster.sh build" >&2; exit 1; }

size_mib="${1:-1024}"
dir="$KNOT_RUN_DIR/bench-ingress"
rm -rf "$dir" && mkdir -p "$dir/layout"

say "building a $size_mib MiB image (4 layers of random bytes) as an OCI layout"
python3 - "$dir/layout" "$size_mib" <<'PY'
import hashlib, json, os, sys
d, size = sys.argv[1], int(sys.argv[2])
os.makedirs(f'{d}/blobs/sha256')
def put(b):
    h = hashlib.sha256(b).hexdigest(); open(f'{d}/blobs/sha256/{h}', 'wb').write(b); return h
layers = []
for _ in range(4):
    b = os.urandom(size * 1024 * 1024 // 4); layers.append((put(b), len(b)))
cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": ["sha256:" + h for h, _ in layers]}}).encode()
c = put(cfg)
m = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
  "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + c, "size": len(cfg)},
  "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": "sha256:" + h, "size": n} for h, n in layers]}).encode()
mh = put(m)
open(f'{d}/index.json', 'w').write(json.dumps({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + mh, "size": len(m)}]}))
open(f'{d}/oci-layout', 'w').write('{"imageLayoutVersion":"1.0.0"}')
PY
sync

say "starting a registry, a forward-auth answering 200 and Traefik"
registry_port="$(registry_free_port)"
registry_serve_tmp "$registry_port" "$dir/registry"
auth_port="$(registry_free_port)"
node -e 'require("http").createServer((q, s) => { s.writeHead(200, { Authorization: "Basic eDp4" }); s.end(); }).listen(+process.argv[1], "127.0.0.1")' "$auth_port" &
auth_pid=$!
ports=("$(registry_free_port)" "$(registry_free_port)" "$(registry_free_port)")
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/tls.key" \
  -out "$dir/tls.crt" -subj /CN=localhost -addext subjectAltName=DNS:localhost -days 2 2>/dev/null
cat >"$dir/traefik.yaml" <<YAML
http:
  routers:
    tls-auth: {rule: "PathPrefix(\`/v2/\`)", service: registry, middlewares: [auth], tls: {}, entryPoints: [tls-auth]}
    tls: {rule: "PathPrefix(\`/v2/\`)", service: registry, tls: {}, entryPoints: [tls]}
    http-auth: {rule: "PathPrefix(\`/v2/\`)", service: registry, middlewares: [auth], entryPoints: [http-auth]}
  middlewares:
    auth: {forwardAuth: {address: "http://127.0.0.1:$auth_port/", authResponseHeaders: [Authorization]}}
  services:
    registry: {loadBalancer: {servers: [{url: "http://127.0.0.1:$registry_port"}]}}
tls:
  certificates: [{certFile: $dir/tls.crt, keyFile: $dir/tls.key}]
YAML
"$traefik" --entryPoints.tls-auth.address="127.0.0.1:${ports[0]}" --entryPoints.tls.address="127.0.0.1:${ports[1]}" \
  --entryPoints.http-auth.address="127.0.0.1:${ports[2]}" --providers.file.filename="$dir/traefik.yaml" \
  --log.level=ERROR >"$dir/traefik.log" 2>&1 &
traefik_pid=$!
trap 'kill $REGISTRY_TMP_PID $auth_pid $traefik_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:${ports[2]}/v2/" && break
  sleep 0.2
done

cpu() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }
push() { # <name> <target>
  local t0 t1 r0 r1 x0 x1
  r0="$(cpu "$REGISTRY_TMP_PID")"; x0="$(cpu "$traefik_pid")"; t0="$(date +%s.%N)"
  /usr/bin/time -f '%U %S' -o "$dir/crane.cpu" "$crane" push --insecure "$dir/layout" "$2" >/dev/null 2>"$dir/crane.log" ||
    { cat "$dir/crane.log" >&2; exit 1; }
  t1="$(date +%s.%N)"; r1="$(cpu "$REGISTRY_TMP_PID")"; x1="$(cpu "$traefik_pid")"
  echo "$1 $t0 $t1 $(awk '{print $1 + $2}' "$dir/crane.cpu") $(echo "$r1 - $r0" | bc) $(echo "$x1 - $x0" | bc)" >>"$dir/times"
  echo "  $1: $(echo "scale=0; $size_mib / ($t1 - $t0)" | bc) MiB/s"
}
for round in $(seq 1 "${ROUNDS:-3}"); do
  say "round $round (load $(cut -d' ' -f1-3 /proc/loadavg))"
  push direct "127.0.0.1:$registry_port/b/direct-$round:latest"
  push tls-auth "localhost:${ports[0]}/b/tls-auth-$round:latest"
  push tls "localhost:${ports[1]}/b/tls-$round:latest"
  push http-auth "127.0.0.1:${ports[2]}/b/http-auth-$round:latest"
  # Every push to a new repository; the next round starts from no blob.
  rm -rf "$dir/registry/docker"
done
python3 - "$dir/times" "$size_mib" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, t0, t1, crane, registry, traefik = line.split()
    runs.setdefault(name, []).append((float(t1) - float(t0), float(crane), float(registry), float(traefik)))
direct = statistics.median(r[0] for r in runs['direct'])
print('how crane reaches the registry: median MiB/s, ratio to direct; CPU s per push (crane + registry + traefik)')
for name, rs in runs.items():
    m = statistics.median(r[0] for r in rs)
    cpu = ', '.join(f'{c:.2f} + {g:.2f} + {t:.2f}' for _, c, g, t in rs)
    print(f'{name}: {int(sys.argv[2]) / m:.0f} MiB/s, {direct / m:.2f}x; {cpu}')
PY
