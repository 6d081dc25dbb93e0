# The fault campaigns' view of a log on a Redis Stream (sourced, not a test of its own): the
# <backend>_url, _count and _results that check_round (campaign.bash) calls for "redis".
# Each script sets $redis_server (a redis:// URL without ?stream) and $redis_stream.

# shellcheck disable=SC2154 # $redis_server, $redis_stream and $tmp are set by each script
redis_url() { echo "$redis_server?stream=$redis_stream"; }
redis_count() { redis-cli -u "$redis_server" XLEN "$redis_stream" 2> /dev/null; }

# redis_entry_ids: the stream's entry ids, one a line, in order; read in chunks so that the
# server never builds more than one chunk's reply, however long the stream.
redis_entry_ids() {
  local script="local ids = {}
    for i, e in ipairs(redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2])) do
      ids[i] = e[1]
    end
    return ids"
  local start=- chunk=10000 got
  while :; do
    redis-cli -u "$redis_server" --raw EVAL "$script" 1 "$redis_stream" "$start" $chunk \
      2> /dev/null > "$tmp/ids.chunk" || return 1
    cat "$tmp/ids.chunk"
    got=$(wc -l < "$tmp/ids.chunk")
    ((got == chunk)) || return 0
    start="($(tail -n 1 "$tmp/ids.chunk")"
  done
}

# redis_results: the results stream as '<position> <reason>' lines, the position being the
# answered entry's place in the stream (0-1, 0-2, ...: what `lmx apply --results` prints).
# Redis ids are not line numbers, so the k-th result must name the k-th entry's id: a result
# lost, written twice or answering another entry fails here, naming it.
redis_results() {
  redis_entry_ids > "$tmp/stream.ids" || return 1
  redis-cli -u "$redis_server" --raw XRANGE "$redis_stream:results" - + 2> /dev/null | awk '
    NR == FNR { id[NR] = $0; next }
    want == "pos" { pos = $0; want = ""; next }
    want == "reason" {
      n++
      if (pos != id[n]) {
        print "result " n " answers " pos ", not entry " n " (" id[n] ")" > "/dev/stderr"; exit 1
      }
      print "0-" n " " $0; want = ""; next
    }
    $0 == "pos" || $0 == "reason" { want = $0 }' "$tmp/stream.ids" -
}
