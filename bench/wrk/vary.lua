-- GET a path that changes on every request, so no cache can answer it:
-- wrk ... -s vary.lua http://host -- "/pledges/?q={word}&r={r}"
-- {word} cycles through words found in pledges (common and rare), {r} is a random number.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
require "report"
local words = {
  "porters", "dementia", "handover", "sign+language", "volunteers", "tea", "discharge", "names",
  "wellbeing", "night+staff", "students", "call+bells", "water", "listen", "mentor", "carers",
}
local counter = 0
init = function(args)
  template = args[1]
  math.randomseed(os.time() * 1000 + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
end
request = function()
  counter = counter + 1
  local path = template:gsub("{word}", words[(counter % #words) + 1]):gsub("{r}", tostring(math.random(1, 1000000000)))
  return wrk.format("GET", path)
end
done = function(summary, latency, requests) report(summary, latency, requests) end
