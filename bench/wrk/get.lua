-- GET one URL over and over (the URL given to wrk).
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
require "report"
done = function(summary, latency, requests) report(summary, latency, requests) end
