using CommerceKit.Redis.Scripting;

namespace CommerceKit.Redis.Locking;

/// <summary>The lock's Lua scripts: one round trip each, every key named in KEYS and sharing the lock's hash tag.</summary>
internal static class LockScripts
{
    // The next fencing token, one INCR. A new counter (first use, or one that was lost: a restart without persistence,
    // a failover before it replicated, its retention ending) starts at the server time in microseconds. That is past
    // every token the lost counter handed out, which grew by one per acquisition from an earlier start. INCR keeps the
    // counter's expiry, so a counter ends one retention after its start, however busy, and starts again.
    private const string NextToken = """
        local function next_token(counter, retention_ms)
          local token = redis.call('INCR', counter)
          if token == 1 then
            local now = redis.call('TIME')
            token = tonumber(now[1]) * 1000000 + tonumber(now[2])
            redis.call('SET', counter, string.format('%.0f', token), 'PX', retention_ms)
          end
          return token
        end

        """;

    // KEYS[1] = lease, KEYS[2] = fencing counter, KEYS[3] = waiting mark, KEYS[4] = queue (owners by arrival),
    // KEYS[5] = queue places (owner -> 'queued until ms:hand-off lease ms:hand-off channel')
    // ARGV[1] = owner, ARGV[2] = lease ms, ARGV[3] = counter retention ms, ARGV[4] = queue ms (0: do not queue),
    // ARGV[5] = hand-off lease ms, ARGV[6] = the channel the waiter's instance hears its hand-offs on
    // Returns the fencing token (> 0) when the lease was taken, else minus the holder's remaining lease in ms (<= 0).
    // A lease a release handed to this owner is taken too (the waiter missed the announcement), with a newer token.
    // A failed attempt leaves the waiting mark, so the holder's release is announced: releases nobody waits for
    // publish nothing. The mark outlives the holder's lease by a lease, and a waiter looks again by the time the lease
    // runs out (failing again renews the mark), so the mark lasts as long as anyone waits. A waiting attempt also
    // takes (or renews) a place in the queue; the queue's keys live as long as its longest-lived place. A place lasts
    // at most a hand-off lease, never longer than a lease, so the mark set with it outlives it: the release looks for
    // queued waiters only when the mark is there.
    public static readonly RedisScript Acquire = new(NextToken + """
        local taken = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
        if not taken and redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          taken = true
        end
        if taken then
          local token = next_token(KEYS[2], ARGV[3])
          if ARGV[4] ~= '0' and redis.call('HDEL', KEYS[5], ARGV[1]) == 1 then
            redis.call('ZREM', KEYS[4], ARGV[1])
          end
          return token
        end
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then ttl = 0 end
        redis.call('SET', KEYS[3], '1', 'PX', ttl + tonumber(ARGV[2]))
        if ARGV[4] ~= '0' then
          local now = redis.call('TIME')
          local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
          redis.call('ZADD', KEYS[4], 'NX', now_ms, ARGV[1])
          redis.call('HSET', KEYS[5], ARGV[1], string.format('%.0f', now_ms + tonumber(ARGV[4])) .. ':' .. ARGV[5] .. ':' .. ARGV[6])
          for _, key in ipairs({ KEYS[4], KEYS[5] }) do
            if redis.call('PTTL', key) < tonumber(ARGV[4]) then redis.call('PEXPIRE', key, ARGV[4]) end
          end
        end
        return -ttl
        """);

    // KEYS[1] = lease; ARGV[1] = owner, ARGV[2] = lease ms. Returns 1 when renewed, 0 when the lease is not ours.
    public static readonly RedisScript Renew = new("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """);

    // KEYS[1] = lease, KEYS[2] = waiting mark, KEYS[3] = fencing counter, KEYS[4] = queue, KEYS[5] = queue places
    // ARGV[1] = owner, ARGV[2] = release channel, ARGV[3] = lock name, ARGV[4] = counter retention ms
    // Compare-and-release: a holder whose lease expired must not release the next holder's lease. A caller that does
    // not hold the lease may be a waiter giving up: it leaves its place in the queue (a holder has none; taking or
    // being handed the lease drops it). Without a waiting mark nobody waited, so nobody is queued: the lease is
    // deleted, unannounced. Otherwise the lease goes straight to the oldest owner still queued, with the next token,
    // announced as 'owner:token' on the channel of that waiter's instance only (places that lapsed are dropped on the
    // way); or, with nobody left in the queue, it is deleted and announced to every instance that ever waited.
    public static readonly RedisScript Release = new(NextToken + """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then
          if redis.call('HDEL', KEYS[5], ARGV[1]) == 1 then redis.call('ZREM', KEYS[4], ARGV[1]) end
          return 0
        end
        if redis.call('EXISTS', KEYS[2]) == 0 then
          redis.call('DEL', KEYS[1])
          return 1
        end
        local now_ms = nil
        while true do
          local waiter = redis.call('ZRANGE', KEYS[4], 0, 0)[1]
          if not waiter then break end
          redis.call('ZREM', KEYS[4], waiter)
          local place = redis.call('HGET', KEYS[5], waiter)
          redis.call('HDEL', KEYS[5], waiter)
          if place then
            if not now_ms then
              local now = redis.call('TIME')
              now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
            end
            local first = string.find(place, ':', 1, true)
            local second = string.find(place, ':', first + 1, true)
            if tonumber(string.sub(place, 1, first - 1)) > now_ms then
              redis.call('SET', KEYS[1], waiter, 'PX', string.sub(place, first + 1, second - 1))
              local token = string.format('%.0f', next_token(KEYS[3], ARGV[4]))
              redis.call('PUBLISH', string.sub(place, second + 1), waiter .. ':' .. token)
              return 1
            end
          end
        end
        redis.call('DEL', KEYS[1])
        redis.call('DEL', KEYS[2])
        redis.call('PUBLISH', ARGV[2], ARGV[3])
        return 1
        """);

    // KEYS[1] = target, KEYS[2] = target's fence; ARGV[1] = fencing token, ARGV[2] = value, ARGV[3] = expiry ms (0: none).
    // Returns 0 when written, else the newer token that was already seen (the write is refused).
    public static readonly RedisScript FencedSet = new("""
        local last = tonumber(redis.call('GET', KEYS[2]) or '0')
        if tonumber(ARGV[1]) < last then return last end
        if ARGV[3] ~= '0' then
          redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
          redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
        else
          redis.call('SET', KEYS[1], ARGV[2])
          redis.call('SET', KEYS[2], ARGV[1])
        end
        return 0
        """);
}
