#!/usr/bin/env bash
# The adopter test: a platform team adds Knot to its own Backstage app.
#
# Creates a separate app with Backstage's own template (@backstage/create-app,
# pinned to this repository's Backstage release) in a temporary folder,
# builds and packs every Knot package (yarn pack), installs the tarballs into
# the app, adds the lines of the packages' READMEs to packages/app and
# packages/backend, typechecks and builds the app, starts its backend
# (SQLite in memory, no cluster) and checks /api/knot/health and the Knot page
# in Chromium. Tears everything down and ends with `N passed, N failed`.
#
#   scripts/adopter/run.sh            the test
#   scripts/adopter/run.sh --repair   also fix mechanical packaging problems
#                                     in the tarballs (reported all the same)
#                                     so the later stages can run
#   scripts/adopter/run.sh --keep     leave the app in place for a look
#
# Port: KNOT_ADOPTER_PORT, else KNOT_BACKEND_PORT, else 7007 (the app is
# served by its backend). The app's node_modules are kept between runs in
# $KNOT_CACHE_DIR/adopter (see README.md).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../lib.sh"
cd "$KNOT_ROOT"

# @backstage/create-app 0.9.2 makes Backstage 1.55.0 apps (its
# dist/package.json.cjs.js); checked against backstage.json below.
CREATE_APP_VERSION="${KNOT_ADOPTER_CREATE_APP_VERSION:-0.9.2}"
SCOPE="${KNOT_ADOPTER_SCOPE:-@knot-platform}"
PORT="${KNOT_ADOPTER_PORT:-${KNOT_BACKEND_PORT:-7007}}"
# Bump when a change here alters what the app's node_modules hold.
RECIPE=1

repair=""
keep=""
for arg in "$@"; do
  case "$arg" in
    --repair) repair="--repair" ;;
    --keep) keep=1 ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

out="$KNOT_RUN_DIR/adopter"
rm -rf "$out" && mkdir -p "$out"
base="http://localhost:$PORT"

# --- the app's install, kept between runs -------------------------------------------
# Moved in and out (one rename each): copying or deleting its 200k files
# takes minutes on these disks. Yarn keys native builds (better-sqlite3, ...)
# by their absolute path, so the app is made at the same path every run,
# which the cache lock keeps to one run at a time.
key="create-app-$CREATE_APP_VERSION-node-$(node --version)-recipe-$RECIPE"
cache="$KNOT_CACHE_DIR/adopter/$key"
mkdir -p "$cache"
exec {lockfd}>"$cache.lock"
# <app dir>: its node_modules, lockfile and yarn build state into the cache.
stash_install() {
  local from="$1" nm
  for nm in node_modules packages/app/node_modules packages/backend/node_modules; do
    rm -rf "${cache:?}/$nm"
    if [ -d "$from/$nm" ]; then mkdir -p "$(dirname "$cache/$nm")" && mv "$from/$nm" "$cache/$nm"; fi
  done
  cp "$from/yarn.lock" "$cache/yarn.lock"
  cp "$from/.yarn/install-state.gz" "$cache/install-state.gz" 2>/dev/null || true
}
if flock -w 2700 "$lockfd"; then
  work="${TMPDIR:-/tmp}/knot-adopter-$key"
  # A run that was killed left its app here: keep its install if it got one.
  if [ -f "$work/app/.yarn/install-state.gz" ] && [ ! -d "$cache/node_modules" ]; then
    stash_install "$work/app"
  fi
  rm -rf "$work" && mkdir -p "$work"
else
  echo "the app cache is busy (another run holds $cache.lock): installing without it"
  cache=""
  work="$(mktemp -d "${TMPDIR:-/tmp}/knot-adopter.XXXXXX")"
fi
app="$work/app"

# --- results and timings ------------------------------------------------------
passed=0
failed=0
results=()
timings=()
blocked=""
pass() { passed=$((passed + 1)); results+=("ok      $1"); }
fail() { failed=$((failed + 1)); results+=("FAILED  $1${2:+: $2}"); }
# A stage that cannot run because an earlier one failed counts as failed.
runnable() { # <test name>
  if [ -n "$blocked" ]; then fail "$1" "not run ($blocked failed)"; return 1; fi
}
step_started=0
step() { step_started=$SECONDS; say "$1"; }
took() { timings+=("$(printf '%-34s %5ss' "$1" $((SECONDS - step_started)))"); }

# --- teardown -----------------------------------------------------------------
backend=""
install_ok=""
cleanup() {
  [ -n "$backend" ] && knot_kill_group "$backend"
  if [ -n "$keep" ]; then
    echo "app kept in $app (the next run takes its install back into the cache)"
    return
  fi
  if [ -n "$cache" ] && [ -n "$install_ok" ]; then stash_install "$app"; fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- 0. the helpers' own tests --------------------------------------------------
step "unit tests of the app patching (node --test)"
node --test "$here"/*.test.mjs >"$out/unit.tap" 2>&1
p="$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$out/unit.tap")"
f="$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$out/unit.tap")"
if [ -z "$p" ]; then
  cat "$out/unit.tap"; fail "unit tests of the patching helpers" "no TAP summary"
else
  passed=$((passed + p)); failed=$((failed + ${f:-0}))
  results+=("$(printf '%-7s unit tests of the patching helpers: %s passed, %s failed' \
    "$([ "${f:-0}" -eq 0 ] && echo ok || echo FAILED)" "$p" "${f:-0}")")
  grep '^not ok' "$out/unit.tap"
fi
took "unit tests"

# --- 1. set-up ------------------------------------------------------------------
knot_apt_ensure chromium chromium
knot_install_deps || { echo "0 passed, 1 failed"; exit 1; }

# --- 2. build and pack every Knot package --------------------------------------
step "typecheck this repository (dist-types for the package builds)"
if [ -n "${KNOT_DIST_TYPES_FRESH:-}" ]; then
  echo "scripts/test's typecheck just wrote them"
elif ! yarn tsc >"$out/repo-tsc.log" 2>&1; then
  tail -30 "$out/repo-tsc.log"; blocked="repository typecheck"
fi
took "repo: yarn tsc"

mkdir -p "$work/packs" "$work/unpacked"
# Every workspace package but the two app packages (roles frontend/backend).
mapfile -t packages < <(node -e '
  const fs = require("fs");
  for (const parent of ["plugins", "packages"]) {
    for (const d of fs.readdirSync(parent).sort()) {
      const f = `${parent}/${d}/package.json`;
      if (!fs.existsSync(f)) continue;
      const p = JSON.parse(fs.readFileSync(f, "utf8"));
      if (!/^(frontend|backend)$/.test(p.backstage?.role ?? "")) console.log(`${parent}/${d}\t${p.name}`);
    }
  }')
packed_names=$(printf '%s\n' "${packages[@]}" | cut -f2 | paste -sd,)
slug() { echo "$1" | sed 's/^@//; s|/|-|g'; }

step "build and pack ${#packages[@]} Knot packages"
# Two at a time (one per core: each build is a single-threaded bundler); the
# packages do not build against each other's output, only dist-types.
build_and_pack() { # <dir> <slug>: writes the seconds it took to $work/packs/<slug>.took
  local started=$SECONDS
  (cd "$1" && yarn backstage-cli package build) >"$out/build-$2.log" 2>&1 &&
    (cd "$1" && yarn pack --out "$work/packs/$2.tgz") >>"$out/build-$2.log" 2>&1 &&
    echo $((SECONDS - started)) >"$work/packs/$2.took"
}
if [ -z "$blocked" ]; then
  for entry in "${packages[@]}"; do
    [ "$(jobs -rp | wc -l)" -ge 2 ] && wait -n
    build_and_pack "${entry%%$'\t'*}" "$(slug "${entry#*$'\t'}")" &
  done
  wait
fi
packed=()
for entry in "${packages[@]}"; do
  dir="${entry%%$'\t'*}"
  name="${entry#*$'\t'}"
  s="$(slug "$name")"
  runnable "pack $name" || continue
  if [ -f "$work/packs/$s.took" ]; then
    pass "pack $name ($(cat "$work/packs/$s.took")s)"
    packed+=("$dir	$name")
  else
    tail -20 "$out/build-$s.log"; fail "pack $name" "see $out/build-$s.log"
  fi
done
took "build + yarn pack (all)"

for entry in "${packed[@]}"; do
  dir="${entry%%$'\t'*}"
  name="${entry#*$'\t'}"
  s="$(slug "$name")"
  if problems="$(node "$here/inspect-tarball.mjs" "$dir" "$work/packs/$s.tgz" "$work/unpacked/$s" \
    --scope "$SCOPE" --packed "$packed_names" $repair)"; then
    pass "$name is publishable and installable"
  else
    fail "$name is publishable and installable" "$(printf '\n%s' "$problems")"
  fi
done

# --- 3. a fresh app from Backstage's template ------------------------------------
# create-app checks for a `yarn` command; the app brings its own yarn release.
mkdir -p "$work/bin"
printf '#!/bin/sh\nexec node "%s/.yarn/releases/yarn-4.13.0.cjs" "$@"\n' "$KNOT_ROOT" >"$work/bin/yarn"
chmod +x "$work/bin/yarn"
export PATH="$work/bin:$PATH"

step "create an app with @backstage/create-app@$CREATE_APP_VERSION"
if runnable "create-app"; then
  # No network but the npm registry: the yarn.lock seed it fetches from
  # GitHub is skipped with a warning (pinned below instead).
  if BACKSTAGE_APP_NAME=knot-adopter npx --yes "@backstage/create-app@$CREATE_APP_VERSION" \
    --path "$app" --skip-install >"$out/create-app.log" 2>&1; then
    want="$(node -p 'require("./backstage.json").version')"
    got="$(node -p "require('$app/backstage.json').version")"
    if [ "$want" = "$got" ]; then
      pass "create-app makes a Backstage $got app"
    else
      fail "create-app" "@backstage/create-app@$CREATE_APP_VERSION makes Backstage $got apps, this repository is on $want: set CREATE_APP_VERSION in $0"
      blocked="create-app"
    fi
  else
    tail -20 "$out/create-app.log"; fail "create-app" "see $out/create-app.log"; blocked="create-app"
  fi
fi
took "create-app --skip-install"

# --- 4. the adopter's app as installed on its release --------------------------------
# Without create-app's seed lockfile (fetched from GitHub, unreachable here)
# caret ranges pull plugins of later Backstage releases that need a newer
# backend-defaults (signals-backend 0.3.21 on backend-defaults 0.18:
# "httpRouter.addWebSocketHandler is not a function"). So the app is first
# installed as on the week its release came out (yarn's age gate set to that
# date), the way an adopter's app and lockfile were made then; Knot is added
# afterwards under the template's own yarn settings, as an adopter does today.
warm=""
if [ -z "$blocked" ] && [ -n "$cache" ]; then
  if [ -d "$cache/node_modules" ] && [ -f "$cache/yarn.lock" ]; then
    for nm in node_modules packages/app/node_modules packages/backend/node_modules; do
      if [ -d "$cache/$nm" ]; then mv "$cache/$nm" "$app/$nm"; fi
    done
    cp "$cache/yarn.lock" "$app/yarn.lock"
    if [ -f "$cache/install-state.gz" ]; then cp "$cache/install-state.gz" "$app/.yarn/install-state.gz"; fi
    warm=1
    echo "reusing the app install of a previous run ($cache)"
  fi
fi

step "yarn install of the new app as of its release (cold cache only)"
if [ -z "$blocked" ] && [ -z "$warm" ]; then
  published_file="$KNOT_CACHE_DIR/adopter/create-app-$CREATE_APP_VERSION.published"
  if [ ! -s "$published_file" ]; then
    npm view "@backstage/create-app@$CREATE_APP_VERSION" time --json 2>/dev/null |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]??""))' \
        "$CREATE_APP_VERSION" >"$published_file"
  fi
  published="$(cat "$published_file")"
  cp "$app/.yarnrc.yml" "$work/yarnrc.template"
  if [ -n "$published" ]; then
    gate=$(( ($(date +%s) - $(date -d "$published" +%s) - 7 * 86400) / 60 ))
    if [ "$gate" -lt 0 ]; then gate=0; fi
    sed -i -e "s/^npmMinimalAgeGate:.*/npmMinimalAgeGate: $gate/" \
      -e '/^npmPreapprovedPackages:/,/^[^ ]/{/^npmPreapprovedPackages:/d;/^  - /d}' "$app/.yarnrc.yml"
    echo "the app resolves as of $(date -u -d "$published + 7 days" +%F) (create-app published $published)"
  else
    echo "cannot read when @backstage/create-app@$CREATE_APP_VERSION was published: installing unpinned"
  fi
  if (cd "$app" && yarn install --no-immutable) >"$out/install-release.log" 2>&1; then
    install_ok=1
  else
    grep -E 'YN0001|YN0016|YN0009' "$out/install-release.log" | head -20
    blocked="the install of the app without Knot (see $out/install-release.log)"
  fi
  cp "$work/yarnrc.template" "$app/.yarnrc.yml"
fi
took "yarn install (app as of release)"

step "add Knot to the app as its READMEs say"
if runnable "the README lines apply to the app"; then
  mkdir -p "$app/knot-packages"
  for entry in "${packed[@]}"; do
    s="$(slug "${entry#*$'\t'}")"
    cp "$work/packs/$s.tgz" "$app/knot-packages/$s.tgz"
  done
  if node "$here/patch-app.mjs" "$app" "$work/unpacked" "$here/install-lines.md" >"$out/patch.log" 2>&1; then
    pass "the README lines apply to the app"
  else
    fail "the README lines apply to the app" "$(cat "$out/patch.log")"; blocked="adding Knot"
  fi
  cat "$out/patch.log"
  (cd "$app" && git diff -- . ':!yarn.lock') >"$out/adopter.diff" 2>/dev/null || true
fi
took "patch app"

# --- 5. install Knot, typecheck, build ----------------------------------------------
step "yarn install with Knot"
if runnable "yarn install"; then
  # One retry for the registry's transient failures (reset connections, 5xx):
  # a wrong dependency fails both times, and both logs are kept.
  # --no-immutable: adding Knot changes the app's lockfile, as on an adopter's
  # machine; yarn turns immutable installs on by itself when CI is set.
  if (cd "$app" && yarn install --no-immutable) >"$out/install.log" 2>&1 ||
    { mv "$out/install.log" "$out/install-first-try.log" && sleep 10 &&
      (cd "$app" && yarn install --no-immutable) >"$out/install.log" 2>&1; }; then
    pass "yarn install"
    install_ok=1
  else
    grep -E 'YN0001|YN0016|YN0009' "$out/install.log" | head -20
    fail "yarn install" "see $out/install.log"; blocked="yarn install"
    install_ok=""
  fi
fi
took "yarn install (with Knot)"

if runnable "Knot brings no second copy of a @backstage package"; then
  if dups="$(node "$here/backstage-duplicates.mjs" "$app/yarn.lock" "$work/unpacked")"; then
    pass "Knot brings no second copy of a @backstage package"
  else
    fail "Knot brings no second copy of a @backstage package" "$(printf '\n%s' "$dups")"
  fi
fi

step "typecheck the app (yarn tsc)"
if runnable "yarn tsc in the app"; then
  if (cd "$app" && yarn tsc) >"$out/app-tsc.log" 2>&1; then pass "yarn tsc in the app"; else
    head -30 "$out/app-tsc.log"; fail "yarn tsc in the app" "see $out/app-tsc.log"
  fi
fi
took "yarn tsc (app)"

step "build the app's backend and frontend (yarn build:backend)"
if runnable "yarn build:backend"; then
  if (cd "$app" && yarn build:backend) >"$out/app-build.log" 2>&1; then
    pass "yarn build:backend"
  else
    grep -iE 'error' "$out/app-build.log" | head -30
    fail "yarn build:backend" "see $out/app-build.log"; blocked="the build"
  fi
fi
took "yarn build:backend"

# --- 6. start the built backend, check Knot ----------------------------------------
step "start the app's backend on port $PORT"
if runnable "the backend starts"; then
  # The built bundle is what the template's Dockerfile runs; here on the
  # app's own node_modules. NODE_ENV=development: the dev setup's guest sign-in.
  tar xzf "$app/packages/backend/dist/bundle.tar.gz" -C "$app" packages/backend/dist
  cat >"$app/app-config.knot-adopter.yaml" <<EOF
app:
  baseUrl: $base
backend:
  baseUrl: $base
  listen:
    port: $PORT
  cors:
    origin: $base
knot:
  kubernetes:
    # Missing on purpose: no cluster here; health reports it unreachable.
    kubeconfig: $work/no-cluster/kubeconfig
EOF
  cd "$app/packages/backend"
  NODE_ENV=development setsid node . --config ../../app-config.yaml \
    --config ../../app-config.knot-adopter.yaml >"$out/backend.log" 2>&1 &
  backend=$!
  cd "$KNOT_ROOT"
  deadline=$((SECONDS + 300))
  until curl -sf -o /dev/null "$base/.backstage/health/v1/readiness"; do
    if ! kill -0 "$backend" 2>/dev/null || [ $SECONDS -ge $deadline ]; then break; fi
    sleep 1
  done
  if curl -sf -o /dev/null "$base/.backstage/health/v1/readiness"; then
    pass "the backend starts"
  else
    grep -E 'error|Error' "$out/backend.log" | head -20
    fail "the backend starts" "$(grep -m1 -E 'Error|error' "$out/backend.log" | cut -c1-300) (see $out/backend.log)"
    blocked="the backend start"
  fi
fi
took "backend start"

step "GET /api/knot/health"
if runnable "/api/knot/health answers"; then
  token="$(curl -s -X POST -H 'X-Requested-With: XMLHttpRequest' "$base/api/auth/guest/refresh" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).backstageIdentity.token)}catch{}})')"
  anonymous="$(curl -s -o /dev/null -w '%{http_code}' "$base/api/knot/health")"
  code="$(curl -s -o "$out/health.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$base/api/knot/health")"
  if [ "$code" = 200 ] && node -e '
      const h = require(process.argv[1]);
      process.exit(h.status === "ok" && h.kubernetes && h.kubernetes.reachable === false ? 0 : 1)' "$out/health.json"; then
    pass "/api/knot/health answers (as guest; without credentials: HTTP $anonymous)"
  else
    fail "/api/knot/health answers" "HTTP $code: $(head -c 300 "$out/health.json")"
  fi
fi
took "health"

step "the Knot page in Chromium"
if [ -n "$blocked" ]; then
  runnable "guest sign-in shows Knot in the sidebar"
  runnable "the Knot page shows the backend health"
else
  version="$(node -p 'require(process.argv[1]).version' "$out/health.json" 2>/dev/null || echo unknown)"
  node "$here/check-page.mjs" "$base" "$out" "$version" >"$out/page.log" 2>&1
  while IFS= read -r line; do
    case "$line" in
      "ok - "*) pass "${line#ok - }" ;;
      "not ok - "*) fail "${line#not ok - }" ;;
    esac
  done <"$out/page.log"
  grep -q '^\(not \)\?ok - ' "$out/page.log" || { cat "$out/page.log"; fail "the Knot page renders" "see $out/page.log"; }
fi
took "page (Playwright)"

# --- report ---------------------------------------------------------------------
[ -n "$backend" ] && knot_kill_group "$backend" && backend=""
{
  echo
  for line in "${results[@]}"; do echo "  $line"; done
  echo
  echo "timings:"
  for line in "${timings[@]}"; do echo "  $line"; done
} | tee "$out/report.txt"
echo "logs, screenshots and the adopter's diff: $out"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
