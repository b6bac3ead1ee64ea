using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.RateLimiting;
using StackExchange.Redis;

namespace CommerceKit.Redis.Tests.RateLimiting;

/// <summary>Rate-limit keys expire once they can no longer affect a decision, so idle partitions cost no memory.</summary>
public sealed class RedisRateLimitKeyTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private readonly RedisRateLimitingBackend _backend = new(redis.Configuration);

    public static TheoryData<string, string[]> Policies => new()
    {
        { "token-bucket", ["tb"] },
        { "fixed-window", ["fw"] },
        { "sliding-window", ["sw", "sw-total"] },
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public async Task Keys_are_gone_once_the_policy_forgot_them(string algorithm, string[] parts)
    {
        RateLimitPolicy policy = algorithm switch
        {
            "token-bucket" => new TokenBucketPolicy(3, Window),
            "fixed-window" => new FixedWindowPolicy(3, Window),
            _ => new SlidingWindowPolicy(3, Window),
        };
        using var limiter = _backend.CreateProvider().CreateLimiter("idle-customer", policy);
        using var lease = await limiter.AcquireAsync();
        var keys = parts.Select(part => _backend.Key("idle-customer", part)).ToArray();

        foreach (var key in keys)
        {
            var ttl = await TimeToLiveAsync(key);
            if (ttl is null && algorithm == "fixed-window")
            {
                // A fixed window's key ends with its window, aligned to the clock: the acquire may have landed in its
                // last milliseconds, and the key be gone already.
                continue;
            }

            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, TimeSpan.FromTicks(1), Window);
        }

        await Eventually.HoldsAsync(async () => await CountAsync(keys) == 0, Deadline, "the keys expire");
    }

    [Fact]
    public async Task Concurrency_keys_are_gone_once_the_last_lease_expired()
    {
        var policy = new ConcurrencyPolicy(2, TimeSpan.FromMilliseconds(400));
        _backend.CreateProvider();
        var granted = await _backend.Store.CreateConcurrencyCounter("idle-export", policy).AcquireAsync("lease-1", 1, default);
        var keys = new[] { _backend.Key("idle-export", "cc"), _backend.Key("idle-export", "cc-permits") };

        Assert.True(granted.IsGranted);
        Assert.Equal(2, await CountAsync(keys));
        await Eventually.HoldsAsync(async () => await CountAsync(keys) == 0, Deadline, "the lease keys expire");
    }

    public ValueTask DisposeAsync() => _backend.DisposeAsync();

    private Task<TimeSpan?> TimeToLiveAsync(RedisKey key) =>
        _backend.Connection.ExecuteAsync((database, k) => database.KeyTimeToLiveAsync(k), key, default);

    private Task<long> CountAsync(RedisKey[] keys) =>
        _backend.Connection.ExecuteAsync((database, k) => database.KeyExistsAsync(k), keys, default);
}
