-- GET one URL over and over (the URL given to wrk).
-- A signed-in person: BENCH_COOKIE="sessionid=..." in the environment, or `-- "sessionid=..."`.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
require "report"
local cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
init = function(args)
  if args[1] and args[1] ~= "" then wrk.headers["Cookie"] = args[1] end
end
done = function(summary, latency, requests) report(summary, latency, requests) end
