# shellcheck shell=bash
# Sourced by scripts: starts and stops a private redis-server on a free loopback port with
# its own temporary directory, so tests never touch a Redis someone else is using.

# Starts a private server; extra arguments go to redis-server (e.g. --appendonly yes).
redis_private_start() {
  LMX_REDIS_DIR=$(mktemp -d /tmp/lmx-redis.XXXXXX)
  LMX_REDIS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
    || shuf -i 20000-60000 -n 1)
  export LMX_REDIS_PORT LMX_REDIS_DIR
  LMX_REDIS_ARGS=("$@")
  redis_private_launch
}

# (Re)starts the server on LMX_REDIS_PORT with its data in LMX_REDIS_DIR, and waits until
# it answers PONG: a restarted server answers LOADING while it reads its AOF.
redis_private_launch() {
  redis-server --port "$LMX_REDIS_PORT" --bind 127.0.0.1 --dir "$LMX_REDIS_DIR" \
    --daemonize yes --pidfile "$LMX_REDIS_DIR/redis.pid" --logfile "$LMX_REDIS_DIR/redis.log" \
    --save "" --appendonly no "${LMX_REDIS_ARGS[@]}" >/dev/null
  redis_wait_pong "$LMX_REDIS_PORT" "$LMX_REDIS_DIR/redis.log"
}

# redis_wait_pong PORT LOG: until the server on PORT answers PONG (10 s at most); else
# says where its LOG is.
redis_wait_pong() {
  for _ in $(seq 200); do
    [[ $(redis-cli -p "$1" ping 2>/dev/null) == PONG ]] && return 0
    sleep 0.05
  done
  echo "redis-server did not start on port $1 (see $2)" >&2
  return 1
}

# Shuts the server down the way an operator would (AOF flushed), keeping its data for
# redis_private_launch; fails when it still answers 5 s later.
redis_private_shutdown() {
  redis-cli -p "$LMX_REDIS_PORT" shutdown >/dev/null 2>&1 || true
  for _ in $(seq 100); do redis-cli -p "$LMX_REDIS_PORT" ping >/dev/null 2>&1 || return 0; sleep 0.05; done
  echo "redis-server on port $LMX_REDIS_PORT did not shut down" >&2
  return 1
}

# Shuts the server down (as above) and starts it again on the same port and data.
redis_private_restart() {
  redis_private_shutdown || true
  redis_private_launch
}

redis_private_stop() {
  if [[ -n "${LMX_REDIS_PORT:-}" ]]; then
    redis-cli -p "$LMX_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
  [[ -n "${LMX_REDIS_DIR:-}" ]] && rm -rf "$LMX_REDIS_DIR"
}
