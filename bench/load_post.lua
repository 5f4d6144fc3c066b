-- bench/load.py's letter POST: a new supporter address each time (the duplicate check). @NAMES@ are filled in.
local body_head = "@BODY@"
local counter = 0
local threads = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrftoken=@COOKIE@"
function setup(thread)
    thread:set("tid", threads)
    threads = threads + 1
end
function init(args)
    run = args[1]
end
function request()
    counter = counter + 1
    local email = "bench-" .. run .. "-" .. tid .. "-" .. counter .. "%40supporters.@HOST@"
    return wrk.format(nil, nil, nil, body_head .. "&email=" .. email)
end
