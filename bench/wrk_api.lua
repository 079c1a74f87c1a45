-- wrk script for `bench/run api`: one route per run, chosen by the environment.
--   BENCH_KIND   get (GET /api/tasks/:id, rotating over the ids in BENCH_IDS),
--                list (GET /api/tasks?limit=20) or create (POST /api/tasks)
--   BENCH_IDS    a file with one task id a line (get)
--   BENCH_LABEL  echoed in the JSON line
-- The key and "Connection: close" come as wrk -H options. done() prints one JSON
-- line (latencies in milliseconds) after wrk's own report.

local kind = os.getenv("BENCH_KIND") or "get"
local label = os.getenv("BENCH_LABEL") or kind
local ids = {}
local next_id = 0

if kind == "create" then
  wrk.method = "POST"
  wrk.path = "/api/tasks"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"name":"wrk bench task","schedule":"0 0 1 1 *",' ..
             '"webhookUrl":"https://discord.com/api/webhooks/123456789012345678/wrk-bench-token",' ..
             '"payload":{"content":"created by bench/run api"}}'
elseif kind == "list" then
  wrk.path = "/api/tasks?limit=20"
elseif kind == "get" then
  local path = os.getenv("BENCH_IDS")
  if path then
    for line in io.lines(path) do
      if #line > 0 then ids[#ids + 1] = line end
    end
  end
end

function init(args)
  -- Threads start at different places in the id list.
  next_id = math.random(0, math.max(#ids - 1, 0))
end

if kind == "get" then
  function request()
    next_id = next_id % #ids + 1
    return wrk.format(nil, "/api/tasks/" .. ids[next_id])
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    '{"route":"%s","requests":%d,"seconds":%.3f,"rps":%.1f,' ..
    '"latency_ms":{"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f,"mean":%.3f},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d}}\n',
    label, summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    e.connect, e.read, e.write, e.timeout, e.status))
end
