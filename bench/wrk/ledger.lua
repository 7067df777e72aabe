-- form.lua's submission, keeping a ledger of what the site accepted, for the scale shape
-- (scripts/scale_shape.py): a submission counts as accepted when its last POST is answered
-- with a redirect to the "sent" page (its path is the sixth argument), and its email address
-- is then written, one a line,
-- to <ledger folder>/<thread>.txt. The shape's checks look every one of them up in the
-- database, so a pledge lost between nginx and PostgreSQL shows as a line without a row.
-- wrk ... -s ledger.lua http://host -- <form.lua's four arguments> <ledger folder> /pledges/new/sent/
-- Reads form.lua's own state: `step` ("post" while building the form's POST, "next" while
-- the check-your-answers POST is answered) and the email field of the body it sends.
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)")
dofile(here .. "form.lua")

local form_init, form_request, form_response = init, request, response
local ledger, pending, sent_path = nil, nil, nil

init = function(args)
  form_init(args)
  ledger = assert(io.open(args[5] .. "/" .. thread_id .. ".txt", "w"))
  sent_path = args[6]
end

request = function()
  local req = form_request()
  if step == "post" and req:sub(1, 4) == "POST" then
    pending = req:match("[&\n]email=([^&\r\n]+)")
  end
  return req
end

response = function(status, headers, body)
  if step == "next" and pending and status >= 300 and status < 400 then
    for name, value in pairs(headers) do
      if name:lower() == "location" and value:find(sent_path, 1, true) then
        ledger:write(pending, "\n")
        ledger:flush()
      end
    end
  end
  if step == "next" then pending = nil end
  form_response(status, headers, body)
end
