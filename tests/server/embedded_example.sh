#!/usr/bin/env bash
# examples/embedded_server: starts, answers over HTTP, reloads on SIGHUP,
# stops on SIGTERM with exit status 0. Loopback only; bounded by timeouts.
set -euo pipefail
example=$1 policy=$2
out=$(mktemp)
trap 'rm -f "$out"; kill -KILL $pid 2>/dev/null || true' EXIT
"$example" "$policy" >"$out" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "serving" "$out" && break; sleep 0.05; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out")
[[ -n $port ]] || { cat "$out"; exit 1; }
ask() {  # GET a path; prints the status line
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' "$1" >&3
  timeout 10 head -1 <&3 | tr -d '\r'
  exec 3>&-
}
[[ $(ask /healthz) == "HTTP/1.1 200 OK" ]]
[[ $(ask /nowhere) == "HTTP/1.1 404 Not Found" ]]
kill -HUP $pid
for _ in $(seq 100); do grep -q "reloaded" "$out" && break; sleep 0.05; done
grep -q "reloaded" "$out"
kill -TERM $pid
timeout 15 tail --pid=$pid -f /dev/null
wait $pid
grep -q "stopped" "$out"
echo "embedded_server: ok"
