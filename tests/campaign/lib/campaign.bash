# Shared by the fault campaigns in tests/campaign (sourced, not a test of its own). Builds on
# tests/cli/lib/recovery.bash. Each script sets $lmx and $tmp before calling these.
#   LMX_CAMPAIGN_ROUNDS  rounds to run (default: the script's short form, the one CTest runs)
#   LMX_CAMPAIGN_SEED    seeds $RANDOM, so a failing run can be repeated exactly (default 1)
# Random choices are taken in the script's own shell: bash reseeds $RANDOM in every subshell,
# so a number taken inside $(...) would differ from one run to the next whatever the seed.

# shellcheck disable=SC2154 # $lmx, $tmp, $all and $backend are set by each script
# shellcheck source-path=SCRIPTDIR source=../../cli/lib/recovery.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../cli/lib/recovery.bash"

campaign_seed=${LMX_CAMPAIGN_SEED:-1}
RANDOM=$campaign_seed

# campaign_rounds SHORT: the number of rounds to run.
campaign_rounds() {
  echo "${LMX_CAMPAIGN_ROUNDS:-$1}"
}

# random_below N: sets $random to a seeded random number in [0, N), for N up to 2^30.
random_below() {
  random=$(((RANDOM << 15 | RANDOM) % $1))
}

# random_sleep LOW HIGH: sleeps a seeded random number of milliseconds in [LOW, HIGH].
random_sleep() {
  random_below $(($2 - $1 + 1))
  local ms=$(($1 + random))
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
}

# reference EVENTS: `lmx apply` of the JSON-lines EVENTS, its export to
# $tmp/expected.export and each event's result to $tmp/reference.results.
reference() {
  "$lmx" apply --results "$tmp/reference.results" "$1" > "$tmp/expected.export"
}

# check_results_prefix RESULTS WHAT [complete]: RESULTS ('<position> <reason>' lines) holds
# one result for each of the first K positions, in order, each the reason `lmx apply` gave
# the event at that position (the last `reference`); with "complete", K must be all of them.
check_results_prefix() {
  local results=$1 what=$2 complete=${3:-}
  local k
  k=$(wc -l < "$results")
  if [[ $complete == complete ]]; then
    expect_same "$tmp/reference.results" "$results" "$what: results per position"
  else
    head -n "$k" "$tmp/reference.results" > "$tmp/reference.prefix"
    expect_same "$tmp/reference.prefix" "$results" "$what: results per position"
  fi
}

# check_round WHAT [complete]: after a fault, against $all (the JSON-lines events the log
# holds, in log order), on the backend named by $backend, for which the script defines
# <backend>_url, <backend>_count (entries in the log) and <backend>_results (the results log
# as '<position> <reason>' lines, the position the event's line number as 0-N):
#   - `lmx export` is byte for byte `lmx apply` of exactly $all (nothing lost, nothing
#     applied twice), and the log holds as many entries;
#   - the results log answers a prefix of the positions (all of them, with "complete") in
#     order, once each, with the reason `lmx apply` gives;
#   - with "complete", money and stock are conserved.
check_round() {
  local url
  url=$("${backend}_url")
  reference "$all"
  "$lmx" export --log "$url" > "$tmp/actual.export" 2> "$tmp/export.err" ||
    fail "$1: lmx export failed: $(cat "$tmp/export.err")"
  expect_same "$tmp/expected.export" "$tmp/actual.export" "$1: export"
  [[ $("${backend}_count") -eq $(wc -l < "$all") ]] || fail "$1: the log does not hold the events produced"
  "${backend}_results" > "$tmp/actual.results" || fail "$1: cannot read the results log"
  check_results_prefix "$tmp/actual.results" "$1" "${2:-}"
  [[ ${2:-} != complete ]] || check_conservation "$all" "$tmp/actual.results" "$tmp/actual.export" "$1"
}

# check_conservation EVENTS RESULTS EXPORT WHAT: money and stock conserved (conservation.py).
check_conservation() {
  python3 "$(dirname "${BASH_SOURCE[0]}")/conservation.py" "$1" "$2" "$3" > "$tmp/conservation.out" \
    2>&1 || fail "$4: $(cat "$tmp/conservation.out")"
}
