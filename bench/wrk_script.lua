-- The part of every wrk script that is the same for all scenarios (bench/wrk.py prepends the rest).
--
-- Before this file, bench/wrk.py defines: HEADERS (the precomputed signed headers), RUN_ID (unique per
-- wrk run), RANDOM_SEED, DIAGNOSE (true on the short run that captures an error response), the
-- scenario's constants (TABLE, ...) and the scenario's `next_body()`, which may read the per-thread
-- globals `thread_id` (0, 1, ...) and `request_count` (1, 2, ... within the thread).

wrk.method = "POST"
wrk.path = "/"
for name, value in pairs(HEADERS) do
  wrk.headers[name] = value
end

local threads_started = 0

function setup(thread)
  thread:set("thread_id", threads_started)
  threads_started = threads_started + 1
end

function init(args)
  request_count = 0
  math.randomseed(RANDOM_SEED + thread_id)
end

function request()
  request_count = request_count + 1
  return wrk.format(nil, nil, nil, next_body())
end

-- Defined only when diagnosing: wrk reads every response body when the script has response(),
-- which would slow the load generator down during a measured run.
if DIAGNOSE then
  local reported = false
  function response(status, headers, body)
    if status >= 300 and not reported then
      reported = true
      io.write("BENCH_ERROR_RESPONSE ", status, " ", body, "\n")
    end
  end
end

-- One line of JSON that bench/wrk.py parses; latency values are microseconds.
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"duration_us":%.0f,"requests":%.0f,"bytes":%.0f,'
      .. '"errors":{"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f},'
      .. '"latency_us":{"p50":%.0f,"p90":%.0f,"p99":%.0f,"mean":%.3f,"max":%.0f}}\n',
    summary.duration, summary.requests, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max
  ))
end
