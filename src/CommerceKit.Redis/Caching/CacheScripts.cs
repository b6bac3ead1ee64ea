using CommerceKit.Redis.Scripting;

namespace CommerceKit.Redis.Caching;

/// <summary>
/// The cache's Lua scripts: one round trip each. A value is a hash (<c>v</c> payload, <c>c</c> written at, in server
/// milliseconds, <c>d</c> fresh for, <c>k</c> kept for, <c>f</c> factory duration, <c>t</c> tags joined by new lines,
/// <c>tv</c> their versions joined by commas, <c>id</c> the write's version) that expires when it is no longer kept.
/// Ages are measured on the server's clock, so instances with skewed clocks agree.
/// </summary>
internal static class CacheScripts
{
    // KEYS[1] = value, KEYS[2] = lease, KEYS[3] = tag versions (only when it shares the value's server; else the caller
    // checks the tags). ARGV[1] = lease token ('' only reads), ARGV[2] = lease ms, ARGV[3] = stale version ('' none).
    // Returns {1, payload, age, fresh ms, keep ms, factory ms, tags, versions, id} for a fresh value; else {0} when only
    // reading, {2} when the lease was taken, {3} when another owner holds it.
    public static readonly RedisScript Read = new("""
        local e = redis.call('HMGET', KEYS[1], 'v', 'c', 'd', 'k', 'f', 't', 'tv', 'id')
        if e[1] and e[8] ~= ARGV[3] then
          local now = redis.call('TIME')
          local age = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(e[2])
          local fresh = age < tonumber(e[3])
          if fresh and KEYS[3] and e[6] ~= '' then
            local versions = {}
            for version in string.gmatch(e[7], '[^,]+') do versions[#versions + 1] = version end
            local i = 0
            for tag in string.gmatch(e[6], '[^\n]+') do
              i = i + 1
              if (redis.call('HGET', KEYS[3], tag) or '0') ~= versions[i] then
                fresh = false
                break
              end
            end
          end
          if fresh then return {1, e[1], age, e[3], e[4], e[5], e[6], e[7], e[8]} end
        end
        if ARGV[1] == '' then return {0} end
        if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {2} end
        return {3}
        """);

    // KEYS[1] = value, KEYS[2] = lease. ARGV[1] = lease token ('' writes unconditionally), ARGV[2] = payload,
    // ARGV[3] = fresh ms, ARGV[4] = keep ms, ARGV[5] = factory ms, ARGV[6] = tags, ARGV[7] = versions, ARGV[8] = id,
    // ARGV[9] = notice channel, ARGV[10] = notice. Returns 1 when written, 0 when the token no longer owns the lease.
    // Any write ends the lease: a load that started before an unconditional write cannot store over it.
    public static readonly RedisScript Write = new("""
        if ARGV[1] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[2])
        local now = redis.call('TIME')
        local written = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
        redis.call('HSET', KEYS[1], 'v', ARGV[2], 'c', string.format('%.0f', written), 'd', ARGV[3], 'k', ARGV[4],
          'f', ARGV[5], 't', ARGV[6], 'tv', ARGV[7], 'id', ARGV[8])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        redis.call('PUBLISH', ARGV[9], ARGV[10])
        return 1
        """);

    // KEYS[1] = lease. ARGV[1] = lease token, ARGV[2] = notice channel, ARGV[3] = notice.
    // Compare-and-delete: a loader whose lease expired must not end the next loader's lease.
    public static readonly RedisScript Release = new("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          redis.call('PUBLISH', ARGV[2], ARGV[3])
        end
        return 0
        """);

    // KEYS[1] = value, KEYS[2] = lease. ARGV[1] = notice channel, ARGV[2] = notice.
    public static readonly RedisScript Remove = new("""
        redis.call('DEL', KEYS[1], KEYS[2])
        redis.call('PUBLISH', ARGV[1], ARGV[2])
        return 0
        """);

    // KEYS[1] = tag versions. ARGV[1] = tag, ARGV[2] = notice channel, ARGV[3] = notice.
    public static readonly RedisScript RemoveTag = new("""
        local version = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
        redis.call('PUBLISH', ARGV[2], ARGV[3])
        return version
        """);
}
