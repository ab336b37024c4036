# The local OCI registry (distribution's `registry`, built from the Go module
# proxy by cluster.sh build), sourced by cluster.sh and dev/images/build.sh.
# Storage is one directory shared by every local cluster on the machine
# (~/.cache/knot/images/registry): images are pushed once and every cluster's
# registry process serves them. Plain HTTP, loopback only, no auth.

DISTRIBUTION_BIN="${KNOT_CACHE_DIR:-$HOME/.cache/knot}/bin/distribution-$DISTRIBUTION_VERSION"

registry_write_config() { # <file> <port> <storage dir>
  cat >"$1" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $3
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$2
  # Only signs upload-session state; each upload stays on one process.
  secret: knot-local-registry
YAML
}

# distribution v3 exports traces over OTLP unless told not to.
registry_env=(OTEL_TRACES_EXPORTER=none OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none OTEL_SDK_DISABLED=true)

registry_ready() { # <port>
  curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$1/v2/"
}

registry_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A registry for the lifetime of the calling script (stopped on EXIT).
registry_serve_tmp() { # <port> <storage dir>
  local cfg; cfg="$(mktemp)"
  registry_write_config "$cfg" "$1" "$2"
  env "${registry_env[@]}" "$DISTRIBUTION_BIN/registry" serve "$cfg" >"$cfg.log" 2>&1 &
  REGISTRY_TMP_PID=$!
  # `|| true`: under `set -e` the killed registry's status (143) would
  # otherwise become the calling script's exit status.
  trap 'kill $REGISTRY_TMP_PID 2>/dev/null; wait $REGISTRY_TMP_PID 2>/dev/null || true; rm -f "'"$cfg"'" "'"$cfg"'.log"' EXIT
  local i
  for ((i = 0; i < 100; i++)); do
    registry_ready "$1" && return 0
    kill -0 $REGISTRY_TMP_PID 2>/dev/null || break
    sleep 0.1
  done
  cat "$cfg.log" >&2
  echo "registry on 127.0.0.1:$1 did not start" >&2
  return 1
}
