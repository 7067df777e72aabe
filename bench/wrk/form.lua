-- A person filling in a form: GET it (for the CSRF cookie and token), then POST it.
-- wrk ... -s form.lua http://host -- /form/path "field=value&text=Pledge {n}" [/next/path "confirm=1"]
-- {n} becomes a number unique to each submission, so no two POSTs are duplicates.
-- Run with as many threads as connections: wrk keeps Lua state per thread, and each
-- simulated person needs their own cookies (CSRF secret, session with a draft).
-- One "unit" is one completed submission (its GET and POST, and the optional second POST).
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
require "report"

local threads = {}

setup = function(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

init = function(args)
  form_path, body_template = args[1], args[2]
  next_path, next_body = args[3], args[4]
  step, counter, cookie, token, submitted = "get", 0, nil, nil, 0
  math.randomseed(os.time() * 1000 + thread_id)
end

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

request = function()
  if step == "get" or token == nil then
    return wrk.format("GET", form_path, cookie and { Cookie = cookie } or {})
  end
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    Cookie = cookie,
    Referer = "http://127.0.0.1" .. form_path,
  }
  if step == "post" then
    counter = counter + 1
    local n = string.format("%d-%d-%d", thread_id, counter, math.random(1, 1000000000))
    local body = body_template:gsub("{n}", n) .. "&csrfmiddlewaretoken=" .. urlencode(token)
    return wrk.format("POST", form_path, headers, body)
  end
  return wrk.format("POST", next_path, headers, next_body .. "&csrfmiddlewaretoken=" .. urlencode(token))
end

response = function(status, headers, body)
  local new_csrf = false
  for name, value in pairs(headers) do
    if name:lower() == "set-cookie" then
      for pair in value:gmatch("([%w_]+=[^;]*)") do
        local key = pair:match("^([%w_]+)=")
        if key == "csrftoken" and cookie and cookie:find("csrftoken=") then
          new_csrf = true -- keep the secret we already have; its tokens are the ones we hold
        elseif key == "csrftoken" or key == "sessionid" or key:match("^pledge_") then
          -- pledge_*: the signed-out pledge's draft and outcome (pledges/drafts.py)
          cookie = (cookie or ""):gsub(key .. "=[^;]*;? ?", "")
          cookie = (cookie ~= "" and (cookie .. "; ") or "") .. pair
        end
      end
    end
  end
  if step == "get" then
    if not new_csrf then
      token = body:match('name="csrfmiddlewaretoken" value="([^"]+)"') or token
    end
    if token then step = "post" end
  elseif step == "post" then
    if next_path then step = "next" else step = "get"; submitted = submitted + 1 end
  else
    step = "get"; submitted = submitted + 1
  end
end

done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + (thread:get("submitted") or 0) end
  report(summary, latency, requests, total)
end
