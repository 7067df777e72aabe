-- Shared by every bench script: print the run's figures as one JSON line for scripts/bench.py.
function report(summary, latency, requests, label_requests)
  local e = summary.errors
  io.write(string.format(
    '\nBENCH_JSON {"requests":%d,"duration_us":%d,"errors":%d,"non_2xx_3xx":%d,"p50_us":%d,"p99_us":%d,"units":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), label_requests or summary.requests))
end
