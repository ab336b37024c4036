#!/usr/bin/env bash
# bench/idle-tracking: forward-auth's p99 with and without idle stop's
# per-request work (the access noted in memory and the cached stopped
# check), interleaved in the same run, and their ratio and difference
# (goal: at most 1 ms extra at p99). No cluster needed.
#   KNOT_BENCH_ROUNDS     rounds per side (default 5)
#   KNOT_BENCH_REQUESTS   sequential requests per round (default 2000)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$KNOT_ROOT/plugins/knot-backend"
KNOT_BENCH=1 CI=true BACKSTAGE_TEST_DISABLE_DOCKER=1 yarn backstage-cli package test \
  src/idleStop/idleTracking.bench.test.ts 2>&1 |
  sed -n '/bench\/idle-tracking:/,/ratio/p' | sed 's/^ *console.log//'
