using CommerceKit.ConformanceTests.Caching;
using CommerceKit.ConformanceTests.Fixtures;

namespace CommerceKit.Redis.Tests.Caching;

public sealed class RedisCachingTests(RedisServerFixture redis) : CachingConformanceTests, IClassFixture<RedisServerFixture>
{
    protected override CacheBackend CreateBackend() => new RedisCacheBackend(redis.Configuration);
}

public sealed class RedisClusterCachingTests(RedisClusterFixture cluster) : CachingConformanceTests, IClassFixture<RedisClusterFixture>
{
    protected override CacheBackend CreateBackend() => new RedisCacheBackend(cluster.Configuration);
}
