# shellcheck shell=bash
# Sourced by scripts: starts and stops a private Redis Cluster on loopback, 3 masters and 3
# replicas on free ports, each node with its own directory under one temporary directory,
# so tests and benchmarks never touch a Redis someone else is using.
#
# After redis_cluster_start: LMX_CLUSTER_PORTS (array, masters first as created),
# LMX_CLUSTER_DIR, LMX_CLUSTER_URL (redis://127.0.0.1:<first port>, a seed node).
# cluster-require-full-coverage is off, as for a partitioned deployment: while one master
# fails over, the partitions of the others go on.

# shellcheck source-path=SCRIPTDIR source=redis_private.sh
source "$(dirname "${BASH_SOURCE[0]}")/redis_private.sh"

# A loopback port free for the node and for its cluster bus (port + 10000, so below 55536).
redis_cluster_free_port() {
  python3 -c '
import random, socket
for _ in range(100):
    port = random.randint(20000, 55000)
    try:
        for p in (port, port + 10000):
            s = socket.socket(); s.bind(("127.0.0.1", p)); s.close()
    except OSError:
        continue
    print(port); break'
}

# Starts six nodes, joins them into a cluster and waits for cluster_state:ok everywhere.
# Extra arguments go to every redis-server (e.g. --appendonly yes).
redis_cluster_start() {
  LMX_CLUSTER_DIR=$(mktemp -d /tmp/lmx-cluster.XXXXXX)
  LMX_CLUSTER_PORTS=()
  local port endpoints=()
  for _ in 1 2 3 4 5 6; do
    port=$(redis_cluster_free_port)
    LMX_CLUSTER_PORTS+=("$port")
    endpoints+=("127.0.0.1:$port")
    mkdir -p "$LMX_CLUSTER_DIR/$port"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$LMX_CLUSTER_DIR/$port" \
      --daemonize yes --pidfile "$LMX_CLUSTER_DIR/$port/redis.pid" \
      --logfile "$LMX_CLUSTER_DIR/$port/redis.log" --save "" --appendonly no \
      --cluster-enabled yes --cluster-config-file "$LMX_CLUSTER_DIR/$port/nodes.conf" \
      --cluster-node-timeout 1000 --cluster-require-full-coverage no \
      --repl-diskless-sync-delay 0 "$@" >/dev/null
  done
  export LMX_CLUSTER_DIR LMX_CLUSTER_URL="redis://127.0.0.1:${LMX_CLUSTER_PORTS[0]}"
  for port in "${LMX_CLUSTER_PORTS[@]}"; do
    redis_wait_pong "$port" "$LMX_CLUSTER_DIR/$port/redis.log" || return 1
  done
  redis-cli --cluster create "${endpoints[@]}" --cluster-replicas 1 --cluster-yes \
    >"$LMX_CLUSTER_DIR/create.log" 2>&1 || {
    echo "redis-cli --cluster create failed (see $LMX_CLUSTER_DIR/create.log)" >&2
    return 1
  }
  redis_cluster_wait_ok "${LMX_CLUSTER_PORTS[@]}" && redis_cluster_wait_synced
}

# Until every replica has finished its first sync with its master. A replica that never
# synced refuses to take over from its master ("Disconnected from master for longer than
# allowed": cluster-replica-validity-factor), so a master killed before would never be failed
# over. The sync starts at once (repl-diskless-sync-delay 0 above, where Redis waits 5 s for
# more replicas by default); on a fast machine a test gets to its kill within those 5 s.
redis_cluster_wait_synced() {
  local port info synced
  for _ in $(seq "$((${LMX_CLUSTER_WAIT_S:-60} * 10))"); do
    synced=1
    for port in "${LMX_CLUSTER_PORTS[@]}"; do
      info=$(redis-cli -p "$port" info replication 2>/dev/null)
      if grep -q '^role:slave' <<<"$info" && ! grep -q '^master_link_status:up' <<<"$info"; then
        synced=0
      fi
    done
    [[ $synced == 1 ]] && return 0
    sleep 0.1
  done
  echo "the replicas on ports ${LMX_CLUSTER_PORTS[*]} did not sync in ${LMX_CLUSTER_WAIT_S:-60} s (see $LMX_CLUSTER_DIR/*/redis.log)" >&2
  return 1
}

# redis_cluster_wait_ok PORT...: until every node named says cluster_state:ok and agrees
# that all 16384 slots are served (LMX_CLUSTER_WAIT_S, default 60 s, at most: on a loaded
# machine a node may take long to learn of a failover).
redis_cluster_wait_ok() {
  local port ok
  for _ in $(seq "$((${LMX_CLUSTER_WAIT_S:-60} * 10))"); do
    ok=1
    for port in "$@"; do
      redis-cli -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || ok=0
      redis-cli -p "$port" cluster info 2>/dev/null | grep -q '^cluster_slots_ok:16384' || ok=0
    done
    [[ $ok == 1 ]] && return 0
    sleep 0.1
  done
  echo "the cluster on ports $* is not ok after ${LMX_CLUSTER_WAIT_S:-60} s (see $LMX_CLUSTER_DIR/*/redis.log)" >&2
  return 1
}

# The port of the master serving KEY's slot, as node PORT (default: the first) sees it
# (CLUSTER NODES: "id host:port@bus flags master ping pong epoch link slot-ranges...").
redis_cluster_owner_port() {
  local at=${2:-${LMX_CLUSTER_PORTS[0]}} slot
  slot=$(redis-cli -p "$at" cluster keyslot "$1")
  redis-cli -p "$at" cluster nodes | awk -v slot="$slot" '
    $3 ~ /master/ && $3 !~ /fail/ {
      for (i = 9; i <= NF; i++) {
        n = split($i, range, "-"); if (n == 1) range[2] = range[1]
        if (range[1] + 0 <= slot && slot <= range[2] + 0) { split($2, addr, "[:@]"); print addr[2]; exit }
      }
    }'
}

# Stops every node, without saving, and removes the directory.
redis_cluster_stop() {
  local port
  for port in "${LMX_CLUSTER_PORTS[@]}"; do
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  done
  [[ -n "${LMX_CLUSTER_DIR:-}" ]] && rm -rf "$LMX_CLUSTER_DIR"
  return 0
}
