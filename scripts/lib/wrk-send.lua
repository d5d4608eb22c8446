-- wrk script of the comparison's /send row: POST a small JSON message, report as wrk-report.lua does.
wrk.method = "POST"
wrk.body = '{"message":"hello from wrk"}'
wrk.headers["Content-Type"] = "application/json"
dofile("scripts/lib/wrk-report.lua")
