# Sourced by scripts/servers.sh: Redis (Debian's redis-server), nothing kept unless PLATFORM_REDIS_PERSIST=true.

redis_port=${PLATFORM_REDIS_PORT:-6379}
redis_persist=${PLATFORM_REDIS_PERSIST:-false}

redis_ok() { [ "$(timeout 3 "$redis_cli" -h "$host" -p "$redis_port" ping 2>/dev/null)" = PONG ]; }

start_redis() {
  local redis_server appendonly=no
  redis_server=$(find_prog redis-server) || die "redis-server not found"
  [ "$redis_persist" = true ] && appendonly=yes
  mkdir -p "$run/redis"
  serve redis "redis://$host:$redis_port" "$redis_port" PLATFORM_REDIS_PORT 20 redis_ok -- \
    "$redis_server" --bind "$host" --port "$redis_port" --save '' --appendonly "$appendonly" --daemonize no \
    --dir "$run/redis" --protected-mode yes
}
