using CommerceKit.Redis.Scripting;

namespace CommerceKit.Redis.RateLimiting;

/// <summary>
/// The rate limiter's Lua scripts: one round trip per decision, on the server's clock (<c>TIME</c>, microseconds),
/// making the decisions of the in-memory engine (<c>RateLimitMath</c>). Every script returns
/// <c>{granted, remaining, retry-after µs, reset µs}</c>; every key expires once it can no longer affect a decision.
/// </summary>
internal static class RateLimitScripts
{
    private const string Now = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        """;

    // GCRA. KEYS[1] = theoretical arrival time; ARGV[1] = emission interval µs, ARGV[2] = limit, ARGV[3] = permits.
    public static readonly RedisScript TokenBucket = new(Now + "\n" + """
        local interval, limit, permits = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
        local tolerance = interval * limit
        local start = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
        local arrival = start + math.max(permits, 1) * interval
        if arrival - now > tolerance then
          return {0, math.floor((tolerance - (start - now)) / interval), arrival - tolerance - now, start - now}
        end
        if permits == 0 then
          return {1, math.floor((tolerance - (start - now)) / interval), 0, start - now}
        end
        redis.call('SET', KEYS[1], string.format('%.0f', arrival), 'PX', math.ceil((arrival - now) / 1000))
        return {1, math.floor((tolerance - (arrival - now)) / interval), 0, arrival - now}
        """);

    // Epoch-aligned fixed window. KEYS[1] = hash {w = window start, c = count}; ARGV[1] = window µs, ARGV[2] = limit,
    // ARGV[3] = permits.
    public static readonly RedisScript FixedWindow = new(Now + "\n" + """
        local window, limit, permits = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
        local start = now - (now % window)
        local state = redis.call('HMGET', KEYS[1], 'w', 'c')
        local count = 0
        if tonumber(state[1]) == start then count = tonumber(state[2]) end
        local reset = start + window - now
        if count + math.max(permits, 1) > limit then
          return {0, limit - count, reset, reset}
        end
        if permits > 0 then
          count = count + permits
          redis.call('HSET', KEYS[1], 'w', string.format('%.0f', start), 'c', count)
          redis.call('PEXPIRE', KEYS[1], math.ceil(reset / 1000))
        end
        return {1, limit - count, 0, reset}
        """);

    // Sliding log. KEYS[1] = sorted set of grants (score = time µs, member = 'time:seq:permits'), KEYS[2] = hash
    // {t = permits in the log, s = sequence}; ARGV[1] = window µs, ARGV[2] = limit, ARGV[3] = permits.
    public static readonly RedisScript SlidingWindow = new(Now + "\n" + """
        local window, limit, permits = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
        local function weight(member) return tonumber(string.match(member, ':(%d+)$')) end
        local total = tonumber(redis.call('HGET', KEYS[2], 't') or '-1')
        if total < 0 then
          total = 0
          for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do total = total + weight(member) end
        end
        local left = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - window)
        if #left > 0 then
          for _, member in ipairs(left) do total = total - weight(member) end
          redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
          redis.call('HSET', KEYS[2], 't', total)
        end
        local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
        local reset = 0
        if newest[2] then reset = tonumber(newest[2]) + window - now end
        local needed = total + math.max(permits, 1) - limit
        if needed > 0 then
          local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
          local freed, leaves = 0, now
          for i = 1, #entries, 2 do
            freed = freed + weight(entries[i])
            leaves = tonumber(entries[i + 1]) + window
            if freed >= needed then break end
          end
          return {0, limit - total, leaves - now, reset}
        end
        if permits > 0 then
          local seq = redis.call('HINCRBY', KEYS[2], 's', 1)
          redis.call('ZADD', KEYS[1], now, string.format('%.0f', now) .. ':' .. seq .. ':' .. permits)
          total = total + permits
          redis.call('HSET', KEYS[2], 't', total)
          reset = window
          redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
          redis.call('PEXPIRE', KEYS[2], math.ceil(window / 1000))
        end
        return {1, limit - total, 0, reset}
        """);

    private const string DropExpiredLeases = """
        local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
        if #expired > 0 then
          redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
          for first = 1, #expired, 1000 do
            redis.call('HDEL', KEYS[2], unpack(expired, first, math.min(first + 999, #expired)))
          end
        end
        local function expireWithNewestLease()
          local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
          if newest[2] then
            local ms = math.ceil((tonumber(newest[2]) - now) / 1000)
            redis.call('PEXPIRE', KEYS[1], ms)
            redis.call('PEXPIRE', KEYS[2], ms)
          end
        end
        """;

    // Concurrency. KEYS[1] = sorted set lease -> expiry µs, KEYS[2] = hash lease -> permits; ARGV[1] = lease id,
    // ARGV[2] = limit, ARGV[3] = permits, ARGV[4] = lease lifetime µs.
    public static readonly RedisScript ConcurrencyAcquire = new(Now + "\n" + DropExpiredLeases + "\n" + """
        local limit, permits = tonumber(ARGV[2]), tonumber(ARGV[3])
        local held = 0
        for _, value in ipairs(redis.call('HVALS', KEYS[2])) do held = held + tonumber(value) end
        if held + math.max(permits, 1) > limit then
          return {0, limit - held, 0, 0}
        end
        if permits > 0 then
          redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
          redis.call('HSET', KEYS[2], ARGV[1], permits)
          held = held + permits
          expireWithNewestLease()
        end
        return {1, limit - held, 0, 0}
        """);

    // KEYS as for acquire; ARGV[1] = lease id, ARGV[2] = lease lifetime µs. Returns 1 when the live lease was extended.
    public static readonly RedisScript ConcurrencyRenew = new(Now + "\n" + DropExpiredLeases + "\n" + """
        if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
        redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
        expireWithNewestLease()
        return 1
        """);

    // KEYS as for acquire; ARGV[1] = lease id.
    public static readonly RedisScript ConcurrencyRelease = new("""
        redis.call('ZREM', KEYS[1], ARGV[1])
        return redis.call('HDEL', KEYS[2], ARGV[1])
        """);
}
