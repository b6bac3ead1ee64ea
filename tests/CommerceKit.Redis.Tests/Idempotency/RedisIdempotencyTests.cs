using Microsoft.Extensions.DependencyInjection;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Idempotency;
using CommerceKit.Idempotency;

namespace CommerceKit.Redis.Tests.Idempotency;

public sealed class RedisIdempotencyTests(RedisServerFixture redis) : IdempotencyConformanceTests, IClassFixture<RedisServerFixture>
{
    protected override IdempotencyBackend CreateBackend() => new RedisIdempotencyBackend(redis.Configuration);
}

public sealed class RedisIdempotencyHolderCrashTests(RedisServerFixture redis) : IdempotencyHolderCrashTests, IClassFixture<RedisServerFixture>
{
    protected override IdempotencyBackend CreateBackend() => new RedisIdempotencyBackend(redis.Configuration);
}

public sealed class RedisClusterIdempotencyTests(RedisClusterFixture cluster) : IdempotencyConformanceTests, IClassFixture<RedisClusterFixture>
{
    protected override IdempotencyBackend CreateBackend() => new RedisIdempotencyBackend(cluster.Configuration);
}

/// <summary>Redis idempotency records on one server or cluster, named by its configuration string.</summary>
internal sealed class RedisIdempotencyBackend(string configuration) : IdempotencyBackend
{
    public override IReadOnlyList<string> HolderProcessArguments(string key, TimeSpan lease) =>
        LeaseHolderProcess.Arguments("idempotency", "redis", configuration, KeyPrefix, key, lease);

    protected override void AddBackend(ICommerceKitBuilder builder, Action<IdempotencyOptions> configure) =>
        builder.AddRedis(o => o.Configuration = configuration).AddIdempotency(idempotency => idempotency.UseRedis().Configure(configure));
}
