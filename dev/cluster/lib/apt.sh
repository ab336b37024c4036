# Installs missing Debian packages (sourced by cluster.sh and dev/images/build.sh;
# the same contract as scripts/lib.sh's knot_apt_ensure). Root on these machines.
knot_cluster_apt_ensure() { # <command-or-path> <package> [<command-or-path> <package>...]
  local missing=()
  while [ $# -gt 0 ]; do
    if ! command -v "$1" >/dev/null 2>&1 && [ ! -e "$1" ]; then missing+=("$2"); fi
    shift 2
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  printf '[cluster] installing Debian packages: %s\n' "${missing[*]}" >&2
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  # Several checkouts may install at once: ours queue on one lock file;
  # another apt (whose lists lock DPkg::Lock::Timeout does not cover in
  # `apt-get update`) is waited for by retrying, up to 10 minutes.
  local try
  for try in $(seq 1 120); do
    if flock /var/lock/knot-apt.lock sh -c "$sudo apt-get update -qq -o DPkg::Lock::Timeout=600 &&
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
        --no-install-recommends $(printf '%q ' "${missing[@]}") >/dev/null"; then
      return 0
    fi
    printf '[cluster] apt is busy or failed (try %d); retrying in 5 s\n' "$try" >&2
    sleep 5
  done
  return 1
}
