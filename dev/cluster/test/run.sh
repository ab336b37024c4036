#!/usr/bin/env bash
# Runs the cluster acceptance tests against the cluster of `cluster.sh env`
# (start it first with `dev/cluster/cluster.sh up`). Extra args go to node.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ ${KNOT_CLUSTER:-local} != external ]]; then eval "$("$HERE/../cluster.sh" env)"; fi
"$HERE/../cluster.sh" status >/dev/null || { echo "cluster is not up: run dev/cluster/cluster.sh up" >&2; exit 1; }
# The real node's tests run the images dev/images/build.sh makes (cached:
# instant when nothing changed; cold: minutes, see dev/cluster/README.md).
# Knot's own images (minutes after any source change) only for the install
# test, which runs when KNOT_TEST_INSTALL=1 (`scripts/test install`).
if [[ ${KNOT_REAL_NODE:-0} == 1 ]]; then
  if [[ ${KNOT_TEST_INSTALL:-0} == 1 ]]; then
    "$HERE/../../images/build.sh" build
  else
    "$HERE/../../images/build.sh" build pause hello busybox jupyter filebrowser
  fi
fi
# Explicit file list: Node 20 treats a directory argument differently from 22.
exec node --test --test-concurrency=1 "$@" "$HERE"/*.test.mjs
