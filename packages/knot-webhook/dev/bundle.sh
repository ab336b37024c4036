#!/usr/bin/env bash
# Bundles the webhook as its image runs it, into <app-dir>: main.js (esbuild,
# one file) plus @kubernetes/client-node, which it loads at run time through
# require (ESM-only): bundled on its own as an ES module Node 22 can require.
# Used by dev/images/build.sh (the image's /app) and by the scale bench
# (KNOT_SCALE_BUILT_WEBHOOK), so both run the same bytes.
#   packages/knot-webhook/dev/bundle.sh <app-dir>
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
app="${1:?usage: bundle.sh <app-dir>}"
esbuild="$root/node_modules/.bin/esbuild"
mkdir -p "$app/node_modules/@kubernetes/client-node"
esb=(--bundle --platform=node --target=node22 --legal-comments=none --minify-syntax --minify-whitespace --log-level=warning)
"$esbuild" "$root/packages/knot-webhook/src/main.ts" "${esb[@]}" --format=cjs --outfile="$app/main.js" >&2
entry="$(mktemp -d "$root/packages/knot-webhook/.client-node-entry.XXXXXX")"
trap 'rm -rf "$entry"' EXIT
printf "export * from '@kubernetes/client-node';\n" >"$entry/entry.mjs"
"$esbuild" "$entry/entry.mjs" "${esb[@]}" --format=esm \
  --banner:js="import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" \
  --outfile="$app/node_modules/@kubernetes/client-node/index.mjs" >&2
echo '{"name":"@kubernetes/client-node","type":"module","main":"index.mjs"}' >"$app/node_modules/@kubernetes/client-node/package.json"
