using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.RateLimiting;

namespace CommerceKit.Redis.Tests.RateLimiting;

public sealed class RedisRateLimiterTests(RedisServerFixture redis) : RateLimiterConformanceTests, IClassFixture<RedisServerFixture>
{
    protected override RateLimitingBackend CreateBackend() => new RedisRateLimitingBackend(redis.Configuration);
}

public sealed class RedisClusterRateLimiterTests(RedisClusterFixture cluster) : RateLimiterConformanceTests, IClassFixture<RedisClusterFixture>
{
    protected override RateLimitingBackend CreateBackend() => new RedisRateLimitingBackend(cluster.Configuration);
}
