#!/usr/bin/env bash
# Builds the Go-module servers the platform is tested against into $PLATFORM_CACHE_DIR/bin, once.
# PLATFORM_CACHE_DIR defaults to <repo>/.cache; CI points it at a persistent folder
# (e.g. $HOME/.cache/porter-platform) so a fresh clone reuses the binaries.
# A binary already present at the pinned version (see <name>.version stamps) is reused,
# so CI and later runs skip the long builds.
# Usage: scripts/build-binaries.sh [helm|helm4|registry|ferretdb|kube|all]...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache="${PLATFORM_CACHE_DIR:-$root/.cache}"
mkdir -p "$cache" && cache=$(cd "$cache" && pwd)
bin="$cache/bin"
mkdir -p "$bin"
export GOFLAGS=-buildvcs=false

K8S_VERSION=v1.32.13
HELM_VERSION=v3.22.0
HELM4_VERSION=v4.3.2
REGISTRY_VERSION=v3.1.2

stamp_ok() { [ -x "$bin/$1" ] && [ "$(cat "$bin/$1.version" 2>/dev/null)" = "$2" ]; }
stamp() { echo "$2" > "$bin/$1.version"; }
# One build per target at a time (two terminals, parallel CI steps): a second caller waits, then finds the stamp.
locked() {
  local name=$1; shift
  mkdir -p "$cache/locks"
  ( flock 9; "$@" ) 9>"$cache/locks/build-$name.lock"
}

build_helm() {
  stamp_ok helm "$HELM_VERSION" && return 0
  echo "building helm $HELM_VERSION" >&2
  GOBIN="$bin" go install -ldflags "-s -w \
    -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=32 \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=32" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  stamp helm "$HELM_VERSION"
}

# Helm 4 reads the Kubernetes version it assumes from the client-go module in its build info (kept by
# go install), so only its own version is set, as its Makefile does for a tagged build.
build_helm4() {
  stamp_ok helm4 "$HELM4_VERSION" && return 0
  echo "building helm $HELM4_VERSION" >&2
  local out
  out=$(mktemp -d)
  GOBIN="$out" go install -ldflags "-s -w \
    -X helm.sh/helm/v4/internal/version.version=$HELM4_VERSION \
    -X helm.sh/helm/v4/internal/version.metadata= \
    -X helm.sh/helm/v4/internal/version.gitTreeState=clean" \
    "helm.sh/helm/v4/cmd/helm@$HELM4_VERSION"
  mv "$out/helm" "$bin/helm4" && rmdir "$out"
  stamp helm4 "$HELM4_VERSION"
}

# The CNCF distribution registry: the OCI registry charts are pushed to and installed from in tests.
build_registry() {
  stamp_ok registry "$REGISTRY_VERSION" && return 0
  echo "building the distribution registry $REGISTRY_VERSION" >&2
  GOBIN="$bin" go install -ldflags "-s -w \
    -X github.com/distribution/distribution/v3/version.version=$REGISTRY_VERSION" \
    "github.com/distribution/distribution/v3/cmd/registry@$REGISTRY_VERSION"
  stamp registry "$REGISTRY_VERSION"
}

build_ferretdb() {
  local version
  version=$(cd "$root/scripts/go/ferretdb" && sha256sum go.mod go.sum main.go | sha256sum | cut -c1-16)
  stamp_ok ferretdb "$version" && return 0
  echo "building ferretdb wrapper" >&2
  (cd "$root/scripts/go/ferretdb" && go build -ldflags "-s -w" -o "$bin/ferretdb" .)
  stamp ferretdb "$version"
}

build_kube() {
  local version="$K8S_VERSION"
  if ! stamp_ok etcd "$version"; then
    echo "building etcd for kubernetes $version" >&2
    (cd "$root/scripts/go/testcluster" && go build -ldflags "-s -w" -o "$bin/etcd" ./etcd)
    stamp etcd "$version"
  fi
  if ! stamp_ok kube-apiserver "$version"; then
    echo "building kube-apiserver $version (many minutes on 2 cores the first time)" >&2
    local v=k8s.io/component-base/version minor
    minor=$(echo "$version" | cut -d. -f2)
    (cd "$root/scripts/go/testcluster" && go build -ldflags "-s -w \
      -X $v.gitVersion=$version -X $v.gitMajor=1 -X $v.gitMinor=$minor \
      -X $v.gitTreeState=clean -X $v.buildDate=1970-01-01T00:00:00Z" \
      -o "$bin/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
    stamp kube-apiserver "$version"
  fi
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(all)
for t in "${targets[@]}"; do
  case "$t" in
    helm) locked helm build_helm ;;
    helm4) locked helm4 build_helm4 ;;
    registry) locked registry build_registry ;;
    ferretdb) locked ferretdb build_ferretdb ;;
    kube) locked kube build_kube ;;
    all) locked helm build_helm; locked helm4 build_helm4; locked registry build_registry; locked ferretdb build_ferretdb; locked kube build_kube ;;
    *) echo "unknown target $t" >&2; exit 2 ;;
  esac
done
