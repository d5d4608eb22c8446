-- wrk reporter of the comparison's /fetch-data rows: the line of wrk-report.lua plus "degraded", the 2xx answers in
-- which an upstream failed (Lanes answers 200 with that upstream's result null and its error under "upstreams"; the
-- original answers 500 when any upstream fails). A degraded answer does not count as a success.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  degraded = 0
end

function response(status, headers, body)
  if status >= 200 and status <= 299 and body ~= nil and string.find(body, '"error":{', 1, true) then
    degraded = degraded + 1
  end
end

done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (thread:get("degraded") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "WRK_JSON {\"requests\":%d,\"duration_us\":%d,\"non2xx\":%d,\"socket_errors\":%d,\"timeouts\":%d,\"p50_us\":%d,\"p99_us\":%d,\"max_us\":%d,\"degraded\":%d}\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, total))
end
