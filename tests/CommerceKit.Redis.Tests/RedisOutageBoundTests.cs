using CommerceKit.ConformanceTests.Outages;
using CommerceKit.TestServers;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Redis.Tests;

public sealed class RedisOutageBoundTests : OutageBoundTests
{
    protected override async Task<LocalServer> StartServerAsync() => await RedisServer.StartAsync();

    protected override void AddConnection(ICommerceKitBuilder commerceKit, LocalServer? server, int port, TimeSpan timeout) =>
        commerceKit.AddRedis(o => (o.Configuration, o.OperationTimeout) = ($"127.0.0.1:{port}", timeout));

    protected override void UseBackend(ICommerceKitBuilder commerceKit)
    {
        commerceKit.Services.AddHealthChecks().AddCommerceKitRedis();
        commerceKit
            .AddLocking(locking => locking.UseRedis())
            .AddRateLimiting(limits => limits.UseRedis())
            .AddIdempotency(idempotency => idempotency.UseRedis())
            .AddInventory(inventory => inventory.UseRedis());
    }
}
