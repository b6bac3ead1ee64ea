using CommerceKit.RateLimiting;
using CommerceKit.Redis.Connection;
using CommerceKit.Redis.Scripting;
using StackExchange.Redis;

namespace CommerceKit.Redis.RateLimiting;

/// <summary>
/// Rate limits in Redis: every decision is one script on the server's clock, every key is hash-tagged by the limiter
/// key (<c>{prefix}:rl:{key}:tb</c> and so on) and expires once it can no longer affect a decision.
/// </summary>
internal sealed class RedisRateLimitStore(RedisConnection connection) : RateLimitStore(RedisFailures.BackendName)
{
    internal const string Feature = "rl";

    public override RateLimitCounter CreateCounter(string key, RateLimitPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy switch
        {
            TokenBucketPolicy bucket => new RedisRateLimitCounter(
                connection, RateLimitScripts.TokenBucket, [Key(key, "tb")], (long)bucket.EmissionInterval.TotalMicroseconds, bucket.PermitLimit),
            FixedWindowPolicy fixedWindow => new RedisRateLimitCounter(
                connection, RateLimitScripts.FixedWindow, [Key(key, "fw")], (long)fixedWindow.Length.TotalMicroseconds, fixedWindow.PermitLimit),
            SlidingWindowPolicy sliding => new RedisRateLimitCounter(
                connection, RateLimitScripts.SlidingWindow, [Key(key, "sw"), Key(key, "sw-total")], (long)sliding.Length.TotalMicroseconds, sliding.PermitLimit),
            _ => throw new ArgumentException($"A {policy.GetType().Name} needs a concurrency counter.", nameof(policy)),
        };
    }

    public override ConcurrencyCounter CreateConcurrencyCounter(string key, ConcurrencyPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new RedisConcurrencyCounter(connection, [Key(key, "cc"), Key(key, "cc-permits")], policy);
    }

    /// <summary>A key of a limiter, for tests that watch it expire.</summary>
    internal RedisKey Key(string key, string part) => connection.Keys.For(Feature, key, part);

}

/// <summary>A token bucket, fixed window or sliding window key: one script per decision.</summary>
internal sealed class RedisRateLimitCounter : RateLimitCounter
{
    private readonly RedisConnection _connection;
    private readonly RedisScript _script;
    private readonly RedisKey[] _keys;
    private readonly RedisValue _parameter;
    private readonly RedisValue _limit;
    private readonly RedisValue[] _onePermit;

    public RedisRateLimitCounter(RedisConnection connection, RedisScript script, RedisKey[] keys, long parameter, int limit)
    {
        _connection = connection;
        _script = script;
        _keys = keys;
        _parameter = parameter;
        _limit = limit;
        _onePermit = [parameter, limit, 1];
    }

    public override async ValueTask<RateLimitDecision> AcquireAsync(int permits, CancellationToken cancellationToken)
    {
        var values = permits == 1 ? _onePermit : [_parameter, _limit, permits];
        var result = await _connection.EvaluateAsync(_script, _keys, values, cancellationToken).ConfigureAwait(false);
        return RedisDecisions.Read(result);
    }
}

/// <summary>Reads the <c>{granted, remaining, retry-after µs, reset µs}</c> replies of the scripts.</summary>
internal static class RedisDecisions
{
    public static RateLimitDecision Read(RedisResult result)
    {
        var reply = (RedisResult[])result!;
        return RateLimitDecision.FromMicroseconds((long)reply[0] == 1, (long)reply[1], (long)reply[2], (long)reply[3]);
    }
}
