using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Inventory;
using CommerceKit.Inventory;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Redis.Tests.Inventory;

public sealed class RedisInventoryTests(RedisServerFixture redis) : InventoryConformanceTests, IClassFixture<RedisServerFixture>
{
    protected override InventoryBackend CreateBackend() => new RedisInventoryBackend(redis.Configuration);
}

/// <summary>On a cluster a reservation's record and its SKUs sit in different slots: every reservation takes the path across slots.</summary>
public sealed class RedisClusterInventoryTests(RedisClusterFixture cluster) : InventoryConformanceTests, IClassFixture<RedisClusterFixture>
{
    protected override InventoryBackend CreateBackend() => new RedisInventoryBackend(cluster.Configuration);
}

public sealed class RedisInventoryHolderCrashTests(RedisServerFixture redis) : InventoryHolderCrashTests, IClassFixture<RedisServerFixture>
{
    protected override InventoryBackend CreateBackend() => new RedisInventoryBackend(redis.Configuration);
}

/// <summary>Redis stock on one server or cluster, named by its configuration string.</summary>
internal sealed class RedisInventoryBackend(string configuration) : InventoryBackend
{
    public override IReadOnlyList<string> HolderProcessArguments(string sku, TimeSpan ttl) =>
        LeaseHolderProcess.Arguments("inventory", "redis", configuration, KeyPrefix, sku, ttl);

    protected override void AddBackend(ICommerceKitBuilder builder, Action<InventoryOptions> configure) =>
        builder.AddRedis(o => o.Configuration = configuration).AddInventory(inventory => inventory.UseRedis().Configure(configure));
}
