#!/usr/bin/env bash
# A real JupyterHub for the e2e test of integrations/jupyterhub: jupyterhub,
# oauthenticator and jupyterhub-kubespawner from PyPI in a venv, and
# configurable-http-proxy from npm, both cached outside the repository in
# ~/.cache/knot/jupyterhub/ (KNOT_CACHE_DIR) and keyed by their versions.
#
#   jupyterhub.sh install   install what is missing (idempotent; warm: instant)
#                           and print KNOT_JUPYTERHUB_BIN=<dir>, the directory
#                           holding `jupyterhub` and `configurable-http-proxy`
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=toolchain.sh
source "$ROOT/scripts/toolchain.sh"

# Pinned: a new release is a deliberate change (and a new cache entry).
JUPYTERHUB_VERSION=6.1.1
OAUTHENTICATOR_VERSION=17.4.0
KUBESPAWNER_VERSION=7.1.0
CHP_VERSION=5.3.0

CACHE="$KNOT_CACHE_DIR/jupyterhub"
PYTHON="${PYTHON:-python3}"
key="hub-$JUPYTERHUB_VERSION-oauth-$OAUTHENTICATOR_VERSION-kube-$KUBESPAWNER_VERSION-chp-$CHP_VERSION"
DIR="$CACHE/$key"

log() { printf '[jupyterhub] %s\n' "$*" >&2; }

install() {
  [[ -f $DIR/.complete ]] && return 0
  log "installing JupyterHub $JUPYTERHUB_VERSION and configurable-http-proxy $CHP_VERSION into $DIR"
  # Built in place (a venv's scripts name their interpreter by path); a
  # half-done install has no .complete and starts over.
  rm -rf "$DIR" && mkdir -p "$DIR/bin"
  "$PYTHON" -m venv "$DIR/venv"
  "$DIR/venv/bin/pip" install --quiet --disable-pip-version-check \
    "jupyterhub==$JUPYTERHUB_VERSION" \
    "oauthenticator==$OAUTHENTICATOR_VERSION" \
    "jupyterhub-kubespawner==$KUBESPAWNER_VERSION" >&2
  npm install --silent --no-audit --no-fund --prefix "$DIR/chp" \
    "configurable-http-proxy@$CHP_VERSION" >&2
  ln -sf "$DIR/venv/bin/jupyterhub" "$DIR/bin/jupyterhub"
  ln -sf "$DIR/chp/node_modules/.bin/configurable-http-proxy" "$DIR/bin/configurable-http-proxy"
  touch "$DIR/.complete"
}

case "${1:-}" in
  install)
    # One installer at a time (several test slots may start together).
    mkdir -p "$CACHE"
    exec 9>"$CACHE/.lock"
    flock 9
    install
    echo "KNOT_JUPYTERHUB_BIN=$DIR/bin"
    ;;
  *)
    echo "usage: $0 install" >&2
    exit 2
    ;;
esac
