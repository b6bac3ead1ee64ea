using CommerceKit.Caching.Distributed;
using CommerceKit.ConformanceTests.Setup;
using CommerceKit.Idempotency;
using CommerceKit.Inventory;
using CommerceKit.Locking;
using CommerceKit.Outbox;
using CommerceKit.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Redis.Tests;

public sealed class RedisMissingConnectionTests : MissingConnectionTests
{
    public override IEnumerable<string> Features => ["locking", "rate-limiting", "idempotency", "inventory", "caching", "outbox-streams"];

    protected override string ConnectionCall => "AddRedis()";

    // The server is not contacted before first use, so an address with no server starts.
    protected override void AddConnection(ICommerceKitBuilder commerceKit) => commerceKit.AddRedis(o => o.Configuration = "127.0.0.1:1");

    protected override Type Register(ICommerceKitBuilder commerceKit, string feature)
    {
        switch (feature)
        {
            case "locking":
                commerceKit.AddLocking(locking => locking.UseRedis());
                return typeof(LockLeaseStore);
            case "rate-limiting":
                commerceKit.AddRateLimiting(limits => limits.UseRedis());
                return typeof(RateLimitStore);
            case "idempotency":
                commerceKit.AddIdempotency(idempotency => idempotency.UseRedis());
                return typeof(IdempotencyStore);
            case "inventory":
                commerceKit.AddInventory(inventory => inventory.UseRedis().Configure(o => o.SweepInterval = TimeSpan.FromMinutes(1)));
                return typeof(InventoryStore);
            case "outbox-streams":
                commerceKit.AddOutbox(outbox => outbox.UseRedisStreams());
                return typeof(IOutboxPublisher);
            default:
                commerceKit.AddCaching(caching => caching.UseRedis());
                return typeof(DistributedCacheStore);
        }
    }
}
