using CommerceKit.Redis.Scripting;

namespace CommerceKit.Redis.Locking;

/// <summary>The lock's Lua scripts: one round trip each, every key named in KEYS and sharing the lock's hash tag.</summary>
internal static class LockScripts
{
    // KEYS[1] = lease, KEYS[2] = fencing counter, KEYS[3] = waiting mark
    // ARGV[1] = owner, ARGV[2] = lease ms, ARGV[3] = counter retention ms
    // Returns the fencing token (> 0) when the lease was taken, else minus the holder's remaining lease in ms (<= 0).
    // A failed attempt leaves the waiting mark, so the holder's release is announced: releases nobody waits for
    // publish nothing. The mark outlives the holder's lease by a lease, and a waiter looks again by the time the lease
    // runs out (failing again renews the mark), so the mark lasts as long as anyone waits.
    // The token is at least the server time in microseconds: should the counter be lost (a restart without
    // persistence, a failover before it replicated, its retention ending), tokens still never go backwards.
    public static readonly RedisScript Acquire = new("""
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          local now = redis.call('TIME')
          local floor = tonumber(now[1]) * 1000000 + tonumber(now[2])
          local token = tonumber(redis.call('GET', KEYS[2]) or '0') + 1
          if token < floor then token = floor end
          redis.call('SET', KEYS[2], string.format('%.0f', token), 'PX', ARGV[3])
          return token
        end
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then ttl = 0 end
        redis.call('SET', KEYS[3], '1', 'PX', ttl + tonumber(ARGV[2]))
        return -ttl
        """);

    // KEYS[1] = lease; ARGV[1] = owner, ARGV[2] = lease ms. Returns 1 when renewed, 0 when the lease is not ours.
    public static readonly RedisScript Renew = new("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """);

    // KEYS[1] = lease, KEYS[2] = waiting mark; ARGV[1] = owner, ARGV[2] = release channel, ARGV[3] = lock name.
    // Compare-and-delete: a holder whose lease expired must not delete the next holder's lease. Announced only when
    // an attempt failed meanwhile: every instance that ever waited is subscribed, and would hear every release.
    public static readonly RedisScript Release = new("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          if redis.call('DEL', KEYS[2]) == 1 then
            redis.call('PUBLISH', ARGV[2], ARGV[3])
          end
          return 1
        end
        return 0
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
