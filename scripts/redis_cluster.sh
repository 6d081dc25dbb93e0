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
  redis_cluster_until "the replicas did not sync" redis_node_synced "${LMX_CLUSTER_PORTS[@]}"
}

# redis_cluster_wait_ok PORT...: until every node named says cluster_state:ok and agrees
# that all 16384 slots are served (on a loaded machine a node may take long to learn of a
# failover).
redis_cluster_wait_ok() {
  redis_cluster_until "the cluster is not ok" redis_node_ok "$@"
}

# redis_cluster_until WHAT CHECK PORT...: until `CHECK PORT` succeeds for every PORT, polled
# every 0.1 s for LMX_CLUSTER_WAIT_S (default 60) s at most; then fails, saying WHAT.
redis_cluster_until() {
  local what=$1 check=$2 port ok
  shift 2
  for _ in $(seq "$((${LMX_CLUSTER_WAIT_S:-60} * 10))"); do
    ok=1
    for port in "$@"; do
      "$check" "$port" || ok=0
    done
    [[ $ok == 1 ]] && return 0
    sleep 0.1
  done
  echo "$what after ${LMX_CLUSTER_WAIT_S:-60} s (ports $*; see $LMX_CLUSTER_DIR/*/redis.log)" >&2
  return 1
}

# redis_node_ok PORT: the node serves cluster_state:ok with all 16384 slots.
redis_node_ok() {
  local info
  info=$(redis-cli -p "$1" cluster info 2>/dev/null) || return 1
  grep -q '^cluster_state:ok' <<<"$info" && grep -q '^cluster_slots_ok:16384' <<<"$info"
}

# redis_node_synced PORT: the node is no replica, or one whose link to its master is up.
redis_node_synced() {
  local info
  info=$(redis-cli -p "$1" info replication 2>/dev/null)
  ! grep -q '^role:slave' <<<"$info" || grep -q '^master_link_status:up' <<<"$info"
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
