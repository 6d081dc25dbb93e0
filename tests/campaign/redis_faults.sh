#!/usr/bin/env bash
# Redis fault campaign: `lmx run` on a Redis Stream of the campaign's own redis-server (AOF,
# appendfsync always) while `lmx produce` appends, with one seeded fault per round:
#   debug_sleep          the server stalls (DEBUG SLEEP) for a seeded time
#   client_pause         the server holds every client (CLIENT PAUSE ... ALL)
#   client_kill          the engine's connections, one of them, or every client's killed
#   restart              the server shut down and started again on its AOF
#   wrong_password       the server asks for a password: an engine with a wrong one, or none,
#                        must stop at once (exit 1) with AUTH or NOAUTH, never printing the
#                        password; the round then runs with the right one
#   wrong_type_stream, wrong_type_results, wrong_type_index
#                        the key moved away and one of another type put in its place: the
#                        engine must refuse (exit 1) naming the key and write nothing
#   wrong_type_snapshot  the newest snapshot keys replaced by keys of another type: the
#                        engine must skip each, naming it, and recover from an older one
#   long_outage          (long form, every 20th round) the server down for 61-75 s
# The short form runs each fault once; after that, faults are drawn at random and stalls and
# pauses may outlast the client's 10 s I/O timeout. A producer cut off by a fault is resumed
# after the entries the stream holds. After every round, once the engine has caught up and
# was stopped with SIGTERM (exit 0):
#   - `lmx export` equals `lmx apply` of exactly the events in the stream;
#   - the results stream holds one result per entry, the k-th naming the k-th entry, each
#     the reason `lmx apply` gives; money and stock are conserved.
# Skipped (77) without redis-server.
#   tests/campaign/redis_faults.sh LMX [DATA]    (LMX_CAMPAIGN_ROUNDS, LMX_CAMPAIGN_SEED: lib/)
set -euo pipefail
lmx=$1
# shellcheck source-path=SCRIPTDIR source=lib/campaign.bash
source "$(dirname "$0")/lib/campaign.bash"
# shellcheck source-path=SCRIPTDIR source=lib/redis_stream.bash
source "$(dirname "$0")/lib/redis_stream.bash"
# Sets $tmp and the cleanup of the server, the engine and the producer; its fail shows the
# engines' logs.
# shellcheck source-path=SCRIPTDIR source=../cli/lib/redis_engine.bash
source "$(dirname "$0")/../cli/lib/redis_engine.bash"

live_faults=(debug_sleep client_pause client_kill restart)
faults=("${live_faults[@]}" wrong_password wrong_type_snapshot wrong_type_stream
  wrong_type_results wrong_type_index)
rounds=$(campaign_rounds ${#faults[@]})
batch_events=3000
workload=(--users 100 --items 30)

server_args=(--appendonly yes --appendfsync always)
# DEBUG is off by default from Redis 7 on; before 7 the option does not exist.
if (($(redis-server --version | sed -n 's/.* v=\([0-9]*\)\..*/\1/p') >= 7)); then
  server_args+=(--enable-debug-command local)
fi
redis_private_start "${server_args[@]}" || fail "redis-server did not start"
port=$LMX_REDIS_PORT
backend=redis
redis_stream=orders # results() and wait_results (redis_engine.bash) read orders:results
plain_server="redis://127.0.0.1:$port"
redis_server=$plain_server
all=$tmp/all.jsonl # the events in the stream, in stream order
: > "$all"

# --- The engine and the producer.

# start_engine I: `lmx run` in the background, once it has started its pipeline (a server
# lost while the engine starts is a start-up error, not an outage it rides out).
start_engine() {
  "$lmx" run --log "$(redis_url)" --snapshot-interval 200ms --status-interval 250ms \
    > "$tmp/engine$1.out" 2> "$tmp/engine$1.log" &
  engine_pid=$!
  for _ in $(seq 600); do
    grep -qs "status: applied=" "$tmp/engine$1.log" && return 0
    kill -0 "$engine_pid" 2> /dev/null || fail "round $1: the engine stopped at start"
    sleep 0.05
  done
  fail "round $1: the engine did not start within 30 s"
}

# stop_engine I: SIGTERM once every entry has its result; it must exit 0.
stop_engine() {
  wait_results "$(wc -l < "$all")"
  kill -TERM "$engine_pid"
  wait_exit 60
  [[ $status -eq 0 ]] || fail "round $1: the engine exited $status on SIGTERM"
}

# settled_count: the stream's length once the server answers and the length stays the same
# for 300 ms (a producer's last XADDs may still be on their way when it exits).
settled_count() {
  local before after
  for _ in $(seq 400); do
    before=$(redis_count) || before=
    sleep 0.3
    after=$(redis_count) || after=
    [[ $before =~ ^[0-9]+$ && $before == "$after" ]] && { echo "$after"; return; }
  done
  fail "the stream's length did not settle within 4 minutes"
}

# finish_producing I: waits for the round's producer; a producer that a fault cut off
# (exit 1) appended a prefix of its batch, so the rest is produced again from the entry
# after the last one the stream holds, until the whole batch is in. Appends it to $all.
finish_producing() {
  local i=$1 rc=0 have kept
  wait "$producer_pid" || rc=$?
  producer_pid=
  ((rc == 0 || rc == 1)) || fail "round $i: producer exited $rc: $(cat "$tmp/produce$i.err")"
  have=$(wc -l < "$all")
  for ((attempt = 1; ; attempt++)); do
    kept=$(($(settled_count) - have))
    ((kept >= 0 && kept <= batch_events)) ||
      fail "round $i: the stream holds $kept entries of a batch of $batch_events"
    ((kept < batch_events)) || break
    ((attempt <= 100)) || fail "round $i: the batch could not be completed: $(cat "$tmp/produce$i.err")"
    resumed_producers=$((resumed_producers + 1))
    tail -n +$((kept + 1)) "$tmp/batch$i.jsonl" |
      "$lmx" produce --log "$(redis_url)" --input - 2>> "$tmp/produce$i.err" || sleep 0.5
  done
  cat "$tmp/batch$i.jsonl" >> "$all"
}

# --- The faults.

# put_wrong_type KEY TYPE: a key of TYPE (string, list, hash, set or zset) at KEY.
put_wrong_type() {
  case $2 in
    string) redis-cli -p "$port" SET "$1" x ;;
    list) redis-cli -p "$port" RPUSH "$1" x ;;
    hash) redis-cli -p "$port" HSET "$1" f v ;;
    set) redis-cli -p "$port" SADD "$1" x ;;
    zset) redis-cli -p "$port" ZADD "$1" 0 x ;;
  esac > /dev/null
}
# pick CHOICE...: sets $chosen to one of the arguments, at random.
pick() {
  random_below $#
  local choices=("$@")
  chosen=${choices[random]}
}

# results_written: the entries of the results stream, wherever a fault moved it.
results_written() {
  redis-cli -p "$port" --raw EVAL "local n = 0
    for _, key in ipairs(KEYS) do
      if redis.call('TYPE', key).ok == 'stream' then n = n + redis.call('XLEN', key) end
    end
    return n" 2 "$redis_stream:results" "$redis_stream:results.moved"
}

# expect_refused I WHAT PATTERN [URL]: `lmx run` must stop at start with exit status 1 and an
# error matching PATTERN, writing no result.
expect_refused() {
  local i=$1 what=$2 pattern=$3 url=${4:-$(redis_url)} rc=0 results_before
  results_before=$(results_written)
  timeout 60 "$lmx" run --log "$url" --exit-when-caught-up > /dev/null 2> "$tmp/refused$i.log" ||
    rc=$?
  [[ $rc -eq 1 ]] || fail "round $i: $what: lmx run exited $rc, expected 1: $(cat "$tmp/refused$i.log")"
  expect_grep "$pattern" "$tmp/refused$i.log" "round $i: $what"
  [[ $(results_written) -eq $results_before ]] || fail "round $i: $what: results were written"
  refusals=$((refusals + 1))
}

# wrong_type_at_start I KEY TYPES PATTERN: KEY moved away and a key of one of TYPES (a
# space-separated list) put in its place; the engine must refuse, naming it; then KEY is
# put back.
wrong_type_at_start() {
  local i=$1 key=$2 type types
  read -ra types <<< "$3"
  pick "${types[@]}"
  type=$chosen
  detail="a $type at $key"
  redis-cli -p "$port" RENAME "$key" "$key.moved" > /dev/null
  put_wrong_type "$key" "$type"
  expect_refused "$i" "$key holding a $type" "$4"
  if [[ $key == "$redis_stream:snapshots" ]]; then # export and query refuse as run does
    if "$lmx" export --log "$(redis_url)" > /dev/null 2> "$tmp/export$i.err"; then
      fail "round $i: lmx export read through a snapshot index holding a $type"
    fi
    expect_grep "$4" "$tmp/export$i.err" "round $i: lmx export, $key holding a $type"
  fi
  redis-cli -p "$port" DEL "$key" > /dev/null
  redis-cli -p "$port" RENAME "$key.moved" "$key" > /dev/null
}

# before_engine I FAULT: the faults that meet the engine as it starts.
before_engine() {
  local i=$1 type
  case $2 in
    wrong_password)
      password="pw-$campaign_seed-$i-$RANDOM"
      redis-cli -p "$port" CONFIG SET requirepass "$password" > /dev/null
      export REDISCLI_AUTH=$password # for the campaign's own redis-cli calls
      expect_refused "$i" "a wrong password" "AUTH refused: WRONGPASS" \
        "redis://:not-$password@127.0.0.1:$port?stream=$redis_stream"
      if grep -qF -- "not-$password" "$tmp/refused$i.log"; then
        fail "round $i: the error shows the password"
      fi
      expect_refused "$i" "no password" "refused: NOAUTH" "$plain_server?stream=$redis_stream"
      # user "default" too: redis-cli reads redis://:password@ as an empty user name
      redis_server="redis://default:$password@127.0.0.1:$port"
      ;;
    wrong_type_stream)
      wrong_type_at_start "$i" "$redis_stream" "string list hash set zset" \
        "(XREAD|XREVRANGE|XRANGE) $redis_stream refused: WRONGTYPE"
      ;;
    wrong_type_results)
      wrong_type_at_start "$i" "$redis_stream:results" "string list hash set zset" \
        "$redis_stream:results refused: WRONGTYPE"
      ;;
    wrong_type_index)
      wrong_type_at_start "$i" "$redis_stream:snapshots" "string list hash set" \
        "the snapshot index $redis_stream:snapshots holds a .*RENAME $redis_stream:snapshots"
      ;;
    wrong_type_snapshot)
      random_below 3
      mapfile -t damaged < <(redis-cli -p "$port" ZREVRANGE "$redis_stream:snapshots" 0 "$random")
      ((${#damaged[@]} > 0)) || fail "round $i: no snapshot to damage"
      damaged_types=()
      for key in "${damaged[@]}"; do
        pick list hash set zset
        redis-cli -p "$port" DEL "$key" > /dev/null
        put_wrong_type "$key" "$chosen"
        damaged_types+=("$chosen")
      done
      detail="the newest ${#damaged[@]} of $(redis-cli -p "$port" ZCARD "$redis_stream:snapshots")"
      detail+=" snapshot keys: ${damaged_types[*]}"
      ;;
  esac
}

# after_start I FAULT: what the engine must have said at start.
after_start() {
  local i=$1 k
  [[ $2 == wrong_type_snapshot ]] || return 0
  for ((k = 0; k < ${#damaged[@]}; k++)); do
    expect_grep "snapshot skipped: ${damaged[k]}: holds a ${damaged_types[k]}, not a snapshot" \
      "$tmp/engine$i.log" "round $i: a snapshot key holding a ${damaged_types[k]}"
  done
  snapshots_skipped=$((snapshots_skipped + ${#damaged[@]}))
}

# kill_clients I: CLIENT KILL, 1 to 3 times: every connection of the engine (found by its
# pid), one of them, or every client's (the producer's too).
kill_clients() {
  local i=$1 mode addrs kills
  pick engine one everyone
  mode=$chosen
  random_below 3
  kills=$((1 + random))
  for ((k = 0; k < kills; k++)); do
    random_sleep 0 300
    mapfile -t addrs < <(ss -tnpH "dport = :$port" 2> /dev/null |
      awk -v owner="pid=$engine_pid," 'index($0, owner) { print $4 }')
    if [[ $mode == everyone || ${#addrs[@]} -eq 0 ]]; then
      redis-cli -p "$port" CLIENT KILL TYPE normal > /dev/null
      mode=everyone
    elif [[ $mode == one ]]; then
      pick "${addrs[@]}"
      redis-cli -p "$port" CLIENT KILL ADDR "$chosen" > /dev/null || true
    else
      for addr in "${addrs[@]}"; do redis-cli -p "$port" CLIENT KILL ADDR "$addr" > /dev/null || true; done
    fi
  done
  detail="$kills x $mode"
  [[ $mode == one ]] && return 0 # maybe a connection the engine does not use again
  wait_for_reconnect "$i"
}
wait_for_reconnect() {
  for _ in $(seq 600); do grep -qs "reconnected" "$tmp/engine$1.log" && return 0; sleep 0.05; done
  fail "round $1: the engine never reconnected after the fault"
}

# stall I: sets $stall_ms, how long a stall or pause lasts: up to 2.5 s in the short form;
# after it, up to 15 s, a third of them beyond the client's 10 s I/O timeout.
stall() {
  if (($1 <= ${#faults[@]})); then random_below 2301; else random_below 14801; fi
  stall_ms=$((200 + random))
  detail="$stall_ms ms"
}

# during_run I FAULT: the faults that hit the running engine while the producer appends.
during_run() {
  local i=$1 outage_ms
  random_sleep 0 300
  case $2 in
    debug_sleep)
      stall "$i"
      redis-cli -p "$port" DEBUG SLEEP "$(printf '%d.%03d' $((stall_ms / 1000)) $((stall_ms % 1000)))" \
        > "$tmp/fault$i.out" 2>&1 || fail "round $i: DEBUG SLEEP failed: $(cat "$tmp/fault$i.out")"
      ;;
    client_pause)
      stall "$i"
      redis-cli -p "$port" CLIENT PAUSE "$stall_ms" ALL > /dev/null
      ;;
    client_kill) kill_clients "$i" ;;
    restart)
      redis_private_restart || fail "round $i: redis-server did not restart"
      wait_for_reconnect "$i"
      ;;
    long_outage)
      redis_private_shutdown || fail "round $i: redis-server did not shut down"
      random_below 14001
      outage_ms=$((61000 + random))
      detail="down for $outage_ms ms"
      sleep "$(printf '%d.%03d' $((outage_ms / 1000)) $((outage_ms % 1000)))"
      redis_private_launch || fail "round $i: redis-server did not start again"
      wait_for_reconnect "$i"
      expect_grep "unreachable for ([6-9][0-9]|[0-9]{3,}) s" "$tmp/engine$i.log" \
        "round $i: an outage over a minute"
      ;;
  esac
}

# choose_fault ROUND: sets $fault: each fault once, in order; then at random (a fault that
# hits the running engine twice as often as one met at start: its timing makes each one
# different), with every 20th round an outage of more than a minute.
choose_fault() {
  if (($1 <= ${#faults[@]})); then
    fault=${faults[$1 - 1]}
  elif (($1 % 20 == 0)); then
    fault=long_outage
  else
    pick "${faults[@]}" "${live_faults[@]}"
    fault=$chosen
  fi
}

resumed_producers=0 refusals=0 snapshots_skipped=0 rounds_checked=0
declare -A fault_count=()
started=$SECONDS
for ((i = 1; i <= rounds; i++)); do
  choose_fault $i
  detail=
  fault_count[$fault]=$((${fault_count[$fault]:-0} + 1))
  "$lmx" generate --events $batch_events "${workload[@]}" --seed $((campaign_seed * 1000 + i)) \
    > "$tmp/batch$i.jsonl"
  before_engine $i "$fault"
  start_engine $i
  after_start $i "$fault"
  "$lmx" produce --log "$(redis_url)" --input "$tmp/batch$i.jsonl" 2> "$tmp/produce$i.err" &
  producer_pid=$!
  during_run $i "$fault"
  finish_producing $i
  stop_engine $i
  if [[ $fault == debug_sleep || $fault == client_pause ]] && grep -q reconnected "$tmp/engine$i.log"; then
    detail+=", the engine reconnected"
  fi
  check_round "round $i ($fault)" complete
  if [[ $fault == wrong_password ]]; then
    redis-cli -p "$port" CONFIG SET requirepass "" > /dev/null
    unset REDISCLI_AUTH
    redis_server=$plain_server
  fi
  rounds_checked=$((rounds_checked + 1))
  echo "redis_faults round $i ($fault${detail:+: $detail}): ok, $(wc -l < "$all") events"
  rm -f "$tmp/batch$i.jsonl" "$tmp/engine$i.out" "$tmp/engine$i.log" "$tmp/produce$i.err"
done
# An expansion error ends the loop without ending the script: never report such a run as ok.
((rounds_checked == rounds)) || fail "only $rounds_checked of $rounds rounds were checked"
summary=$(for f in "${!fault_count[@]}"; do echo "$f ${fault_count[$f]}"; done | sort | paste -sd, -)
echo "redis_faults: ok ($(wc -l < "$all") events in $rounds rounds, $((SECONDS - started)) s;" \
  "faults: $summary; $refusals refusals at start named the key or the password problem," \
  "$snapshots_skipped snapshot keys of the wrong type skipped, $resumed_producers producer" \
  "resumptions; 0 losses)"
