-- wrk script for scripts/bench: the reporter named by WRK_BASE (wrk-report.lua or wrk-smoke.lua), with each thread
-- requesting the paths of WRK_PATHS (space-separated) in turn, as the original's locust users alternate /hello and /write.
dofile(os.getenv("WRK_BASE"))

local paths = {}
for path in string.gmatch(os.getenv("WRK_PATHS") or "/", "%S+") do
  table.insert(paths, path)
end
local turn = 0

request = function()
  turn = turn % #paths + 1
  return wrk.format(nil, paths[turn])
end
