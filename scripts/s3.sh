#!/usr/bin/env bash
# A real S3 server on loopback for the dataset tests and development:
# SeaweedFS (master + volume + filer + S3 gateway in one `weed server`),
# built once from the Go module proxy and cached in
# ~/.cache/knot/bin/seaweedfs-<version>/ (version in dev/cluster/versions.env).
#
#   s3.sh build          build the binary (no-op when cached)
#   s3.sh start <dir>    start it with its data in <dir>; prints the env lines
#                        (KNOT_TEST_S3_ENDPOINT, _ACCESS_KEY, _SECRET_KEY)
#   s3.sh stop <dir>     stop it and remove <dir>
#
# Ports: KNOT_TEST_S3_PORT (the S3 API) and the next 7 for SeaweedFS's own
# servers. Default 24000 + 10 x (last two digits of KNOT_TEST_POSTGRES_PORT),
# so every port slot of /work/coord gets its own block (slot 2: 24420).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../dev/cluster/versions.env
source "$ROOT/dev/cluster/versions.env"
CACHE="${KNOT_CACHE_DIR:-$HOME/.cache/knot}"
BIN="$CACHE/bin/seaweedfs-$SEAWEEDFS_VERSION"
WEED="$BIN/weed"
GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
pg="${KNOT_TEST_POSTGRES_PORT:-25432}"
PORT="${KNOT_TEST_S3_PORT:-$((24000 + 10 * (10#${pg: -2})))}"
HOST=127.0.0.1

log() { printf '[s3] %s\n' "$*" >&2; }

# SeaweedFS's go.mod has a replace line, which `go install pkg@v` refuses:
# build inside a generated module that requires it and copies that line.
build() {
  [[ -x $WEED ]] && return 0
  log "building SeaweedFS $SEAWEEDFS_VERSION (cold: ~10 min on 2 cores)"
  local work="$CACHE/build/seaweedfs-$SEAWEEDFS_VERSION" out="$BIN.tmp" modfile
  rm -rf "$out"; mkdir -p "$work" "$out"
  export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false"
  modfile="$(cd "$work" && "$GO" mod download -json "github.com/seaweedfs/seaweedfs@$SEAWEEDFS_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  {
    echo "module knot.local/dev/s3/seaweedfs"
    echo
    sed -n 's/^go \(.*\)/go \1/p' "$modfile"
    echo
    echo "require github.com/seaweedfs/seaweedfs $SEAWEEDFS_VERSION"
    echo
    grep '^replace ' "$modfile" || true
  } >"$work/go.mod"
  (cd "$work" && "$GO" build -trimpath -ldflags "-s -w" -o "$out/" github.com/seaweedfs/seaweedfs/weed)
  rm -rf "$BIN"; mv "$out" "$BIN"
}

# A signed S3 request with curl's SigV4 (the readiness probe).
s3_curl() { # <access> <secret> <method> <path>
  curl -sS -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$1:$2" -X "$3" "http://$HOST:$PORT$4"
}

start() {
  local dir="$1"
  build
  mkdir -p "$dir/data"
  local access="knot-test" secret
  secret="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  # One admin identity; tests make buckets and objects with it.
  cat >"$dir/s3.json" <<JSON
{"identities": [{"name": "knot-test",
  "credentials": [{"accessKey": "$access", "secretKey": "$secret"}],
  "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}
JSON
  setsid "$WEED" server -ip "$HOST" -ip.bind "$HOST" -dir "$dir/data" \
    -master.port $((PORT + 1)) -master.port.grpc $((PORT + 2)) -master.telemetry=false \
    -master.volumeSizeLimitMB 64 -volume.max 16 \
    -volume.port $((PORT + 3)) -volume.port.grpc $((PORT + 4)) \
    -filer -filer.port $((PORT + 5)) -filer.port.grpc $((PORT + 6)) \
    -s3 -s3.port "$PORT" -s3.port.grpc $((PORT + 7)) -s3.port.iceberg 0 -s3.port.lance 0 \
    -s3.config "$dir/s3.json" -s3.localSocket "$dir/s3.sock" \
    >"$dir/weed.log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
  # Ready when a bucket and an object can be written (volumes assigned).
  local i
  for ((i = 0; i < 120; i++)); do
    # (409: made by an earlier try, whose object write came too early.)
    if [[ $(s3_curl "$access" "$secret" PUT /knot-ready 2>/dev/null) == @(200|409) ]] &&
      [[ $(curl -sS -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" \
        --user "$access:$secret" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
        -X PUT --data-binary ok "http://$HOST:$PORT/knot-ready/ok" 2>/dev/null) == 200 ]]; then
      echo "export KNOT_TEST_S3_ENDPOINT=http://$HOST:$PORT"
      echo "export KNOT_TEST_S3_ACCESS_KEY=$access"
      echo "export KNOT_TEST_S3_SECRET_KEY=$secret"
      return 0
    fi
    kill -0 "$(<"$dir/pid")" 2>/dev/null || { tail -20 "$dir/weed.log" >&2; log "weed exited"; return 1; }
    sleep 0.5
  done
  tail -20 "$dir/weed.log" >&2
  log "not ready after 60 s"
  kill -9 "$(<"$dir/pid")" 2>/dev/null || true
  return 1
}

stop() {
  local dir="$1" pid
  if [[ -f $dir/pid ]]; then
    pid="$(<"$dir/pid")"
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    # weed can take long to stop after SIGTERM: its data goes with the dir.
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  build) build ;;
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 build | start <dir> | stop <dir>" >&2; exit 2 ;;
esac
