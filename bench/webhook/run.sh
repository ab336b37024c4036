#!/usr/bin/env bash
# Benchmark of the Knot admission webhook; see run.mjs. Not part of scripts/test.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
exec node "$(dirname "${BASH_SOURCE[0]}")/run.mjs" "$@"
