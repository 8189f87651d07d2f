# Sourced by scripts/servers.sh: NATS (Debian's nats-server) with JetStream, its store under run/nats.

nats_port=${PLATFORM_NATS_PORT:-4222}
nats_monitor_port=${PLATFORM_NATS_MONITOR_PORT:-8222}

nats_ok() {
  curl -sf --max-time 3 "http://$host:$nats_monitor_port/healthz?js-enabled-only=true" 2>/dev/null | grep -q '"ok"' \
    && curl -sf --max-time 3 "http://$host:$nats_monitor_port/jsz" 2>/dev/null | grep -q '"config"' \
    && timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" && head -c 4 <&3' "$host" "$nats_port" 2>/dev/null | grep -q '^INFO'
}

start_nats() {
  local nats_server
  nats_server=$(find_prog nats-server) || die "nats-server not found"
  [ "$nats_monitor_port" != "$nats_port" ] || die "PLATFORM_NATS_MONITOR_PORT must differ from PLATFORM_NATS_PORT"
  mkdir -p "$run/nats"
  serve nats "nats://$host:$nats_port" "$nats_port" PLATFORM_NATS_PORT 20 nats_ok -- \
    "$nats_server" -a "$host" -p "$nats_port" -m "$nats_monitor_port" -js -sd "$run/nats" -n platform-test
}
