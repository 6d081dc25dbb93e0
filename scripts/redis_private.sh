# Sourced by scripts: starts and stops a private redis-server on a free loopback port with
# its own temporary directory, so tests never touch a Redis someone else is using.

redis_private_start() {
  LMX_REDIS_DIR=$(mktemp -d /tmp/lmx-redis.XXXXXX)
  LMX_REDIS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
    || shuf -i 20000-60000 -n 1)
  redis-server --port "$LMX_REDIS_PORT" --bind 127.0.0.1 --dir "$LMX_REDIS_DIR" \
    --daemonize yes --pidfile "$LMX_REDIS_DIR/redis.pid" --logfile "$LMX_REDIS_DIR/redis.log" \
    --save "" --appendonly no >/dev/null
  for _ in $(seq 50); do
    redis-cli -p "$LMX_REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -p "$LMX_REDIS_PORT" ping >/dev/null
  export LMX_REDIS_PORT LMX_REDIS_DIR
}

redis_private_stop() {
  if [[ -n "${LMX_REDIS_PORT:-}" ]]; then
    redis-cli -p "$LMX_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
  [[ -n "${LMX_REDIS_DIR:-}" ]] && rm -rf "$LMX_REDIS_DIR"
}
