-- wrk script: every request asks for a crawl id never asked before, so that
-- each is generated and validated anew.
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, "/crawl/info?key=demo&id=" .. (1000000 + counter * 7919 + math.random(0, 7918)))
end
