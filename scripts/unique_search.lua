-- wrk script: every request a search nobody sent before (two domain words, the run, the thread, a counter).
-- usage: wrk -t4 -c32 -d20s --latency -s scripts/unique_search.lua http://127.0.0.1:8000 -- RUNID
local words = {"路灯", "维修", "学生", "资助", "道路", "养护", "污水", "处理", "造林", "补助", "培训", "就业",
               "医疗", "救助", "住房", "改造", "农田", "灌溉", "垃圾", "分类", "文物", "保护", "消防", "应急"}
local threads, counter, id, run = {}, 0, 0, "0"

local function encode(s)
  return (s:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function setup(thread)
  id = id + 1
  thread:set("id", id)
  table.insert(threads, thread)
end

function init(args)
  run = args[1] or tostring(os.time())
end

function request()
  counter = counter + 1
  local a = words[(counter % #words) + 1]
  local b = words[((counter * 7 + 3) % #words) + 1]
  local q = a .. b .. run .. "t" .. tostring(id) .. "n" .. tostring(counter)
  return wrk.format("GET", "/api/v1/search?k=10&q=" .. encode(q))
end

function done(summary, latency, requests)
  io.write(string.format("JSON {\"requests\": %d, \"errors\": %d, \"p50_ms\": %.1f, \"p99_ms\": %.1f, \"seconds\": %.2f}\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.duration / 1e6))
end
