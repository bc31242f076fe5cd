-- wrk script for bench/serve_load.sh: POST /v1/decide with the base workload's
-- requests in turn (the first 1,000 lines of the file given after --). A
-- second argument N > 1 pipelines: each send carries N requests, and wrk
-- counts each answer.
local requests = {}
local next_one = 0
local depth = 1

function init(args)
  depth = tonumber(args[2] or "1")
  for line in io.lines(args[1]) do
    requests[#requests + 1] = wrk.format("POST", "/v1/decide",
                                         {["Content-Type"] = "application/json"}, line)
    if #requests >= 1000 then break end
  end
end

function request()
  local batch = {}
  for i = 1, depth do
    next_one = next_one % #requests + 1
    batch[i] = requests[next_one]
  end
  return table.concat(batch)
end

function done(summary, latency, requests_)
  io.write(string.format("WRIT requests=%d errors=%d seconds=%.3f p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
