#!/usr/bin/env bash
# Load on `writ serve` from wrk over loopback: single decisions with keep-alive.
#
#   bench/serve_load.sh [SECONDS] [CONNECTIONS]      throughput and p50/p90/p99 latency
#   bench/serve_load.sh --soak [MINUTES]             the same for MINUTES (default 10), with the
#                                                    server's resident memory every 10 s
#
# The server (build/release/writ, 2 threads, or WRIT_SERVE_THREADS) and wrk
# (2 threads) share the machine's cores. Requests: the base workload's first 1,000, in turn, under
# policies/telegram-2024.writ. Everything stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
soak=0
if [[ "${1:-}" == "--soak" ]]; then soak=1; minutes=${2:-10}; seconds=$((minutes * 60)); connections=64
else seconds=${1:-15}; connections=${2:-64}; fi
writ=build/release/writ
data=build/release/bench/data/base.jsonl
[[ -x $writ && -f $data ]] || { echo "build first: cmake --build --preset release" >&2; exit 1; }
log=$(mktemp)
"$writ" serve --policy policies/telegram-2024.writ --listen 127.0.0.1:0 --threads "${WRIT_SERVE_THREADS:-2}" 2>"$log" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -1)
url="http://127.0.0.1:$port"
echo "writ serve on $url (pid $server), wrk: 2 threads, $connections connections, ${seconds} s"
# Warm-up.
wrk -t2 -c"$connections" -d3s -s bench/serve_load.lua "$url" -- "$data" >/dev/null
rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
echo "server RSS before: $(rss) KiB"
if [[ $soak == 1 ]]; then
  (for _ in $(seq $((seconds / 10))); do sleep 10; echo "  RSS $(date +%T) $(rss) KiB"; done) &
  sampler=$!
fi
wrk -t2 -c"$connections" -d"${seconds}s" --timeout 5s -s bench/serve_load.lua "$url" -- "$data" |
  tee /dev/stderr | awk '/^WRIT/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "decisions/s %.0f, p50 %d µs, p90 %d µs, p99 %d µs, max %d µs, errors %d\n",
      v["requests"] / v["seconds"], v["p50_us"], v["p90_us"], v["p99_us"], v["max_us"], v["errors"] }'
[[ $soak == 1 ]] && wait "$sampler"
echo "server RSS after: $(rss) KiB"
curl -s "$url/metrics" 2>/dev/null | grep -E '^writ_decisions_total|^writ_request_errors_total' || true
