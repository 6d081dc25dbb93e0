# Shared by the scripts in tests/cli that talk to `lmx run --listen` (sourced, not a test
# of its own: CTest registers only tests/cli/*.sh). The script defines fail().

# A temporary directory, and the engines started in the background (the script adds each
# pid to $pids): on exit each gets SIGTERM and is waited for, then $tmp is removed. For
# scripts that set up nothing else to clean.
listen_scratch() {
  tmp=$(mktemp -d)
  pids=()
  trap 'stop_engines; rm -rf "$tmp"' EXIT
}
stop_engines() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}

# wait_listening LOG: waits up to 10 s for the engine's "serving the HTTP API" line in the
# file LOG (its stderr), then sets $port to the port it names and $base to its URL.
# shellcheck disable=SC2034 # $port and $base are for the script
wait_listening() {
  port=""
  for _ in $(seq 100); do
    port=$(sed -n 's|.*serving the HTTP API on http://[^ ]*:\([0-9]*\)/.*|\1|p' "$1")
    [[ -n $port ]] && break
    sleep 0.1
  done
  [[ -n $port ]] || fail "no 'serving the HTTP API' line in $1"
  base="http://127.0.0.1:$port"
}

# shellcheck disable=SC2154 # $tmp is the script's
# code CURL_ARGS...: the HTTP status of a curl request; its body goes to $tmp/body.
code() { curl -s -o "$tmp/body" -w '%{http_code}' "$@"; }
# post BODY: POSTs BODY to $base/events; prints the status, the body goes to $tmp/body.
post() { code -X POST --data-binary "$1" "$base/events"; }
