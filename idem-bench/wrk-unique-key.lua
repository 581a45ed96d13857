-- wrk script for run-http-benchmarks.sh: every request a POST of the same small order with a fresh
-- Idempotency-Key (the protected endpoint's new-key path, its expensive one). The bare endpoint
-- gets the same bytes and ignores the header. Usage: wrk ... -s wrk-unique-key.lua URL -- PREFIX
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  prefix = (args[1] or "wrk-" .. os.time()) .. "-" .. tid .. "-"
  counter = 0
  body = '{"item":"widget-42","quantity":2}'
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  counter = counter + 1
  headers["Idempotency-Key"] = prefix .. counter
  return wrk.format("POST", nil, headers, body)
end
