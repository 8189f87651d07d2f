# Shared by start.sh, test.sh, fuzz.sh, servers.sh and .ci/run: Debian packages, node packages, the local
# servers, the build, and local secrets.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache="${PLATFORM_CACHE_DIR:-$root/.cache}"

# apt_install PACKAGE...: installs Debian packages (through sudo when not root); apt's output goes to stderr.
apt_install() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "not root and no sudo: cannot install $*" >&2; return 1; }
    sudo=(sudo)
  fi
  echo "installing $* with apt-get" >&2
  "${sudo[@]}" apt-get update -qq >&2 || { echo "apt-get update failed" >&2; return 1; }
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2 || { echo "apt-get install $* failed" >&2; return 1; }
}

ensure_packages() {
  if [ ! -d "$root/node_modules" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
    echo "installing node packages" >&2
    (cd "$root" && npm ci --no-audit --no-fund)
  fi
}

ensure_servers() {
  bash "$root/scripts/servers.sh" start
  set -a
  # shellcheck disable=SC1091
  . "${PLATFORM_ENV_FILE:-$root/.servers.env}"
  set +a
}

# The TypeScript of every workspace, then the web console (type-checked, bundled by Vite into console/dist).
build() {
  echo "building" >&2
  (cd "$root" && npm run --silent build)
}

# Secrets for local runs, made once and kept beside the servers' state (never in git).
ensure_local_secrets() {
  local file="$cache/run/platform-secrets.env"
  if [ ! -s "$file" ]; then
    mkdir -p "$(dirname "$file")"
    umask 077
    {
      echo "INTERNAL_SIGNING_SECRET=$(openssl rand -hex 32)"
      echo "KUBECONFIG_ENCRYPTION_KEYS=local1:$(openssl rand -base64 32)"
    } > "$file"
  fi
  set -a
  # shellcheck disable=SC1090
  . "$file"
  set +a
}
