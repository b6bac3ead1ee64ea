using CommerceKit.ConformanceTests.RateLimiting;
using CommerceKit.Redis.Connection;
using CommerceKit.Redis.RateLimiting;
using CommerceKit.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CommerceKit.Redis.Tests.RateLimiting;

/// <summary>Redis rate limits on one server or cluster, named by its configuration string.</summary>
internal sealed class RedisRateLimitingBackend(string configuration) : RateLimitingBackend
{
    public RedisConnection Connection => FirstInstance.GetRequiredService<RedisConnection>();

    public RedisKey Key(string limiterKey, string part) => ((RedisRateLimitStore)Store).Key(limiterKey, part);

    protected override void AddBackend(ICommerceKitBuilder builder) =>
        builder.AddRedis(o => o.Configuration = configuration).AddRateLimiting(limits => limits.UseRedis());
}
