using CommerceKit.Redis.Scripting;

namespace CommerceKit.Redis.Idempotency;

/// <summary>
/// The idempotency record's Lua scripts: one round trip each. The record is a hash (<c>fp</c> fingerprint,
/// <c>token</c> lease token, <c>r</c> stored response) that expires with the lease while in progress and with the
/// retention once completed, so a key is free exactly when its record is gone.
/// </summary>
internal static class IdempotencyScripts
{
    // KEYS[1] = record; ARGV[1] = fingerprint, ARGV[2] = lease ms.
    // Returns {1, token} claimed, {2, response} completed, {3, remaining lease ms} in progress, {4} fingerprint mismatch.
    // The token is the server time in microseconds: a later claim of a key whose record expired gets a larger one.
    public static readonly RedisScript Claim = new("""
        local record = redis.call('HMGET', KEYS[1], 'fp', 'r')
        if not record[1] then
          local now = redis.call('TIME')
          local token = tonumber(now[1]) * 1000000 + tonumber(now[2])
          redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'token', string.format('%.0f', token))
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return {1, token}
        end
        if record[1] ~= ARGV[1] then return {4} end
        if record[2] then return {2, record[2]} end
        return {3, redis.call('PTTL', KEYS[1])}
        """);

    // KEYS[1] = record; ARGV[1] = lease token, ARGV[2] = response, ARGV[3] = retention ms.
    // Returns 1 when stored, 0 when the lease is not the caller's (expired, taken over, completed or released).
    public static readonly RedisScript Complete = new("""
        local record = redis.call('HMGET', KEYS[1], 'token', 'r')
        if record[1] ~= ARGV[1] or record[2] then return 0 end
        redis.call('HSET', KEYS[1], 'r', ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """);

    // KEYS[1] = record; ARGV[1] = lease token. Deletes an in-progress record held by the caller.
    public static readonly RedisScript Release = new("""
        local record = redis.call('HMGET', KEYS[1], 'token', 'r')
        if record[1] == ARGV[1] and not record[2] then
          redis.call('DEL', KEYS[1])
          return 1
        end
        return 0
        """);
}
