# Sourced by scripts/servers.sh: the chart sources the platform installs from in tests and tries.
#   chart-repo  a Helm HTTP chart repository: scripts/charts/* packaged by `helm package` (hello at 0.1.0 and
#               0.2.0), index.yaml by `helm repo index`, served from run/chart-repo by python3's http.server.
#   registry    the CNCF distribution registry (an OCI registry) storing under run/registry, plain HTTP, with
#               the same charts pushed by `helm push` to oci://127.0.0.1:PORT/charts.
# Ports: PLATFORM_CHART_REPO_PORT=8879  PLATFORM_REGISTRY_PORT=5001.

chart_repo_port=${PLATFORM_CHART_REPO_PORT:-8879}
registry_port=${PLATFORM_REGISTRY_PORT:-5001}
chart_repo_dir="$run/chart-repo"
registry_dir="$run/registry"

chart_repo_ok() { curl -sf --max-time 3 "http://$host:$chart_repo_port/index.yaml" 2>/dev/null | grep -q '^apiVersion: v1'; }
registry_ok() { curl -sf --max-time 3 -o /dev/null "http://$host:$registry_port/v2/" 2>/dev/null; }

# Packages every chart under scripts/charts (each at its own version and at the next minor) into run/chart-repo.
package_charts() {
  local chart version next
  rm -rf "$chart_repo_dir"
  mkdir -p "$chart_repo_dir"
  for chart in "$root"/scripts/charts/*/; do
    version=$(awk '$1 == "version:" { print $2; exit }' "$chart/Chart.yaml")
    next=$(echo "$version" | awk -F. '{ printf "%d.%d.0", $1, $2 + 1 }')
    HOME="$run" "$bin/helm" package "$chart" -d "$chart_repo_dir" >/dev/null
    HOME="$run" "$bin/helm" package "$chart" --version "$next" -d "$chart_repo_dir" >/dev/null
  done
  HOME="$run" "$bin/helm" repo index "$chart_repo_dir" --url "http://$host:$chart_repo_port"
}

start_chart_servers() {
  local python
  python=$(find_prog python3) || die "python3 not found (it serves the chart repository)"
  package_charts
  serve chart-repo "http://$host:$chart_repo_port" "$chart_repo_port" PLATFORM_CHART_REPO_PORT 20 chart_repo_ok -- \
    "$python" -m http.server --bind "$host" --directory "$chart_repo_dir" "$chart_repo_port"

  mkdir -p "$registry_dir/data"
  cat >"$registry_dir/config.yml" <<CONFIG
version: 0.1
log: { level: warn }
storage: { filesystem: { rootdirectory: "$registry_dir/data" } }
http: { addr: "$host:$registry_port" }
CONFIG
  OTEL_TRACES_EXPORTER=none serve registry "http://$host:$registry_port" "$registry_port" PLATFORM_REGISTRY_PORT 20 registry_ok -- \
    "$bin/registry" serve "$registry_dir/config.yml"
  # Pushing the same archive again is a no-op for the registry (same digests).
  local archive
  for archive in "$chart_repo_dir"/*.tgz; do
    HOME="$run" "$bin/helm" push "$archive" "oci://$host:$registry_port/charts" --plain-http >/dev/null 2>&1 \
      || die "helm push of $(basename "$archive") to the registry failed"
  done
}
