# Sourced by scripts/servers.sh: FerretDB (the MongoDB wire protocol on SQLite), its data under run/ferretdb.

mongo_port=${PLATFORM_MONGO_PORT:-27017}

# Sends an OP_MSG {ping: 1, $db: "admin"} and expects a reply whose document holds ok: 1 (double or int32).
mongo_ok() {
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "\x33\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xdd\x07\x00\x00\x00\x00\x00\x00\x00\x1e\x00\x00\x00\x10ping\x00\x01\x00\x00\x00\x02\$db\x00\x06\x00\x00\x00admin\x00\x00" >&3
    len=$(dd bs=1 count=4 <&3 2>/dev/null | od -An -tu4 | tr -d " \n")
    [ -n "$len" ] && [ "$len" -gt 16 ] && [ "$len" -lt 65536 ] || exit 1
    dd bs=1 count=$((len - 4)) <&3 2>/dev/null | od -An -v -tx1 | tr -d " \n"
  ' "$host" "$mongo_port" 2>/dev/null | grep -Eq '016f6b00000000000000f03f|106f6b0001000000'
}

start_ferretdb() {
  mkdir -p "$run/ferretdb"
  serve ferretdb "mongodb://$host:$mongo_port" "$mongo_port" PLATFORM_MONGO_PORT 30 mongo_ok -- \
    "$bin/ferretdb" -listen "$host:$mongo_port" -dir "$run/ferretdb"
}
