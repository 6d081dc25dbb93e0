#!/usr/bin/env bash
# Six partitions on a Redis Cluster of 3 masters and 3 replicas, one engine per partition,
# under a producer load; mid-run the master serving shop-1 is killed (kill -9) and its
# replica takes over, later another master is failed over by hand (its engines get -MOVED).
# Every engine must carry on against the node that serves its slot now,
# and in the end, for every partition, the engine's export equals `lmx apply` over what the
# partition's stream holds after the failover, with exactly one result per entry. (Redis
# replicates asynchronously: a write acknowledged just before the kill may be gone; the
# checks compare with what the stream holds, and an engine that finds its acknowledged
# results gone stops saying so, and is restarted, as a supervisor would.)
set -euo pipefail
lmx=$1
command -v redis-server >/dev/null || { echo "SKIP: no redis-server"; exit 77; }
tmp=$(mktemp -d)
declare -A engine producer
# shellcheck source-path=SCRIPTDIR source=../../scripts/redis_cluster.sh
source "$(dirname "$0")/../../scripts/redis_cluster.sh"
cleanup() {
  # Only the processes this script started, by pid.
  for pid in "${engine[@]}" "${producer[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  redis_cluster_stop
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for log in "$tmp"/*.log; do echo "== $log" >&2; tail -n 8 "$log" >&2; done
  exit 1
}

# A node stalled by this machine's load for longer than the node timeout is failed over
# too; 3 s keeps that to the failovers the test makes, on a loaded 2-core machine.
redis_cluster_start --cluster-node-timeout 3000 || fail "no cluster"
partitions=(shop-1 shop-2 shop-3 shop-4 shop-5 shop-6)
seed_url="$LMX_CLUSTER_URL?stream=orders"
victim=$(redis_cluster_owner_port '{shop-1}:orders')
survivors=()
for port in "${LMX_CLUSTER_PORTS[@]}"; do [[ $port == "$victim" ]] || survivors+=("$port"); done
# After the failover, commands go through a node that is still up.
live_url="redis://127.0.0.1:${survivors[0]}?stream=orders"
on_victim() { [[ $(redis_cluster_owner_port "{$1}:orders") == "$victim" ]]; }

start_engine() {  # start_engine PARTITION
  "$lmx" run --log "$seed_url" --partition "$1" --snapshot-interval 1s --status-interval 1h \
    >>"$tmp/$1.out" 2>>"$tmp/$1.log" &
  engine[$1]=$!
}
produce() {  # produce URL PARTITION N SKIP: events SKIP..N of the partition's workload
  local seed=${2#shop-}
  "$lmx" produce --log "$1" --partition "$2" --format json --users 300 --items 40 \
    --seed "$seed" --events "$3" --skip "$4" 2>>"$tmp/$2.produce.log"
}

for p in "${partitions[@]}"; do start_engine "$p"; done
for p in "${partitions[@]}"; do produce "$seed_url" "$p" 6000 0 & producer[$p]=$!; done
for p in "${partitions[@]}"; do wait "${producer[$p]}" || fail "$p: first producer failed"; done
producer=()

# Under load: the partitions on the other masters go on producing while shop-1's master
# dies; its partitions' engines are still catching up when it does.
for p in "${partitions[@]}"; do
  on_victim "$p" || { produce "$live_url" "$p" 12000 6000 & producer[$p]=$!; }
done
sleep 0.3
kill -9 "$(cat "$LMX_CLUSTER_DIR/$victim/redis.pid")"
for _ in $(seq 150); do
  owner=$(redis_cluster_owner_port '{shop-1}:orders' "${survivors[0]}")
  [[ -n $owner && $owner != "$victim" ]] && break
  sleep 0.1
done
[[ $owner != "$victim" ]] || fail "no replica took over from $victim in 15 s"
redis_cluster_wait_ok "${survivors[@]}" || fail "the cluster is not ok after the failover"
for p in "${!producer[@]}"; do wait "${producer[$p]}" || fail "$p: producer failed"; done
producer=()

# Carry on: more events for every partition, through a node still up.
for p in "${partitions[@]}"; do produce "$live_url" "$p" 16000 12000 & producer[$p]=$!; done
for p in "${partitions[@]}"; do wait "${producer[$p]}" || fail "$p: last producer failed"; done
producer=()

# A manual failover (CLUSTER FAILOVER: the replica catches up first, nothing is lost) of
# another master while the engines run: that master turns replica and answers -MOVED, which
# each of its engines must follow, pipelines included; then one more round of events.
moved=""
for p in "${partitions[@]}"; do
  [[ $(redis_cluster_owner_port "{$p}:orders" "${survivors[0]}") == "$owner" ]] || { moved=$p; break; }
done
if [[ -n $moved ]]; then
  old_master=$(redis_cluster_owner_port "{$moved}:orders" "${survivors[0]}")
  replica=$(redis-cli -p "$old_master" cluster nodes | awk -v id="$(redis-cli -p "$old_master" cluster myid)" \
    '$3 ~ /slave/ && $4 == id { split($2, addr, "[:@]"); print addr[2]; exit }')
  redis-cli -p "$replica" cluster failover >/dev/null
  for _ in $(seq 150); do
    [[ $(redis_cluster_owner_port "{$moved}:orders" "$replica") == "$replica" ]] && break
    sleep 0.1
  done
  [[ $(redis_cluster_owner_port "{$moved}:orders" "$replica") == "$replica" ]] ||
    fail "the manual failover of $old_master did not complete in 15 s"
  redis_cluster_wait_ok "${survivors[@]}" || fail "the cluster is not ok after the manual failover"
  for p in "${partitions[@]}"; do produce "$live_url" "$p" 17000 16000 & producer[$p]=$!; done
  for p in "${partitions[@]}"; do wait "${producer[$p]}" || fail "$p: producer failed"; done
  producer=()
fi

xlen() { redis-cli -p "$(redis_cluster_owner_port "$1" "${survivors[0]}")" XLEN "$1"; }
# Until every results stream holds one result per entry; an engine that stopped because
# the failover lost results it had written is restarted (at most once per partition).
restarted=0
for _ in $(seq 600); do
  pending=0
  for p in "${partitions[@]}"; do
    if ! kill -0 "${engine[$p]}" 2>/dev/null; then
      wait "${engine[$p]}" || true
      if [[ $restarted -ge ${#partitions[@]} ]] || ! grep -q "lost acknowledged writes" "$tmp/$p.log"; then
        fail "$p: the engine stopped"
      fi
      restarted=$((restarted + 1))
      start_engine "$p"
    fi
    [[ $(xlen "{$p}:orders:results") -ge $(xlen "{$p}:orders") ]] || pending=1
  done
  [[ $pending == 0 ]] && break
  sleep 0.1
done
[[ $pending == 0 ]] || fail "results still missing 60 s after the last event"
for p in "${partitions[@]}"; do kill -TERM "${engine[$p]}"; done
for p in "${partitions[@]}"; do wait "${engine[$p]}" || fail "$p: the engine failed"; done
engine=()

for p in "${partitions[@]}"; do
  owner=$(redis_cluster_owner_port "{$p}:orders" "${survivors[0]}")
  # The stream's json entries as JSON lines, in stream order: `--raw` prints id, field,
  # value, each on its own line.
  redis-cli -p "$owner" --raw XRANGE "{$p}:orders" - + | grep '^{' >"$tmp/$p.jsonl"
  entries=$(xlen "{$p}:orders")
  [[ $(wc -l <"$tmp/$p.jsonl") -eq $entries ]] || fail "$p: $entries entries, not all json"
  [[ $entries -ge 10000 ]] || fail "$p: only $entries entries"
  "$lmx" apply "$tmp/$p.jsonl" >"$tmp/$p.expected"
  "$lmx" export --log "$live_url" --partition "$p" 2>/dev/null | cmp -s - "$tmp/$p.expected" ||
    fail "$p: export differs from lmx apply over the stream"
  results=$(xlen "{$p}:orders:results")
  answered=$(redis-cli -p "$owner" --raw XRANGE "{$p}:orders:results" - + |
    awk 'prev == "pos" { print } { prev = $0 }' | sort -u | wc -l)
  [[ $results -eq $entries && $answered -eq $entries ]] ||
    fail "$p: $results results for $answered entries answered of $entries"
done
grep -q "is served by" "$tmp"/shop-*.log || fail "no engine moved to the promoted replica"
[[ -z $moved ]] || grep -q "moved to 127.0.0.1:$replica" "$tmp/$moved.log" ||
  fail "$moved: the engine did not follow -MOVED to $replica"
echo "redis_cluster: ok (failover of $victim, manual failover of ${old_master:-none}; $restarted engine restarts)"
