#!/usr/bin/env bash
# Load on `writ serve` from wrk over loopback: single decisions with keep-alive.
#
#   bench/serve_load.sh [SECONDS] [CONNECTIONS]      throughput and p50/p90/p99 latency
#   bench/serve_load.sh --soak [MINUTES]             the same for MINUTES (default 10), with the
#                                                    server's resident memory every 10 s
#   bench/serve_load.sh --floor [SECONDS] [CONNECTIONS]
#                                                    the same load on bench/http_floor, a server
#                                                    that only reads and writes: the machine's floor
#
# Environment: WRIT_SERVE_THREADS (server threads, 2), WRIT_LOAD_THREADS (wrk threads, 2),
# WRIT_PIPELINE (requests per send on each connection, 1: one at a time).
# The server and wrk share the machine's cores. Requests: the base workload's first 1,000, in
# turn, under policies/telegram-2024.writ. Everything stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
soak=0 floor=0
if [[ "${1:-}" == "--soak" ]]; then soak=1; minutes=${2:-10}; seconds=$((minutes * 60)); connections=64
else
  if [[ "${1:-}" == "--floor" ]]; then floor=1; shift; fi
  seconds=${1:-15}; connections=${2:-64}
fi
server_threads=${WRIT_SERVE_THREADS:-2}
load_threads=${WRIT_LOAD_THREADS:-2}
pipeline=${WRIT_PIPELINE:-1}
writ=build/release/writ
data=build/release/bench/data/base.jsonl
[[ -x $writ && -f $data ]] || { echo "build first: cmake --build --preset release" >&2; exit 1; }
log=$(mktemp)
if [[ $floor == 1 ]]; then
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  build/release/bench/http_floor "$port" "$server_threads" 2>"$log" &
  server=$!
  sleep 0.3
  what="http_floor"
else
  "$writ" serve --policy policies/telegram-2024.writ --listen 127.0.0.1:0 --threads "$server_threads" 2>"$log" &
  server=$!
  for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
  port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -1)
  what="writ serve"
fi
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT
url="http://127.0.0.1:$port"
echo "$what on $url (pid $server, $server_threads threads), wrk: $load_threads threads," \
     "$connections connections, pipeline $pipeline, ${seconds} s"
# Warm-up.
wrk -t"$load_threads" -c"$connections" -d3s -s bench/serve_load.lua "$url" -- "$data" "$pipeline" >/dev/null
rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
echo "server RSS before: $(rss) KiB"
if [[ $soak == 1 ]]; then
  (for _ in $(seq $((seconds / 10))); do sleep 10; echo "  RSS $(date +%T) $(rss) KiB"; done) &
  sampler=$!
fi
wrk -t"$load_threads" -c"$connections" -d"${seconds}s" --timeout 5s -s bench/serve_load.lua "$url" \
    -- "$data" "$pipeline" |
  tee /dev/stderr | awk '/^WRIT/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "decisions/s %.0f, p50 %d µs, p90 %d µs, p99 %d µs, max %d µs, errors %d\n",
      v["requests"] / v["seconds"], v["p50_us"], v["p90_us"], v["p99_us"], v["max_us"], v["errors"] }'
[[ $soak == 1 ]] && wait "$sampler"
echo "server RSS after: $(rss) KiB"
[[ $floor == 1 ]] || curl -s "$url/metrics" 2>/dev/null |
  grep -E '^writ_decisions_total|^writ_request_errors_total' || true
