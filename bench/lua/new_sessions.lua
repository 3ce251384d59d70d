-- POST a session with a new client-generated id on every request, as phones logging sessions
-- do. Arguments: the file holding the JSON body with __ID__ where the id goes, a file with one
-- bearer token per line (one per person), a 4-hex-digit number unique to this run within the
-- database, and a random seed. Requests take the tokens in turn, so with as many people as
-- connections each person has about one request in flight, as with one phone each.
-- Ids are random where a client's are (so the index sees random keys) and unique by
-- construction: this run's number, the wrk thread's number and a per-thread counter.

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local template, run_number
local tokens = {}
local counter = 0

function init(args)
  local file = assert(io.open(args[1], "rb"))
  template = file:read("*a")
  file:close()
  for line in io.lines(args[2]) do
    if line ~= "" then
      tokens[#tokens + 1] = "Bearer " .. line
    end
  end
  assert(#tokens > 0, "no tokens in " .. args[2])
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  run_number = args[3]
  math.randomseed((tonumber(args[4]) or os.time()) + thread_number)
end

local function rand16()
  return math.random(0, 0xffff)
end

function request()
  counter = counter + 1
  local id = string.format(
    "%04x%04x-%s-4%03x-%04x-%012x",
    rand16(), rand16(), run_number, thread_number, 0x8000 + math.random(0, 0x3fff), counter
  )
  wrk.headers["Authorization"] = tokens[(counter - 1) % #tokens + 1]
  return wrk.format(nil, nil, nil, (template:gsub("__ID__", id, 1)))
end
