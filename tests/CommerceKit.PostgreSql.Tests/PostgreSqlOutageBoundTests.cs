using CommerceKit.ConformanceTests.Outages;
using CommerceKit.TestServers;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.PostgreSql.Tests;

public sealed class PostgreSqlOutageBoundTests : OutageBoundTests
{
    protected override async Task<LocalServer> StartServerAsync() => await PostgreSqlServer.StartAsync();

    // No Timeout in the string: the operation timeout sets it.
    protected override void AddConnection(ICommerceKitBuilder commerceKit, LocalServer? server, int port, TimeSpan timeout) =>
        commerceKit.AddPostgreSql(o => (o.ConnectionString, o.OperationTimeout) = ($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres", timeout));

    protected override void UseBackend(ICommerceKitBuilder commerceKit)
    {
        commerceKit.Services.AddHealthChecks().AddCommerceKitPostgreSql();
        commerceKit
            .AddLocking(locking => locking.UsePostgreSql())
            .AddRateLimiting(limits => limits.UsePostgreSql())
            .AddIdempotency(idempotency => idempotency.UsePostgreSql())
            .AddInventory(inventory => inventory.UsePostgreSql());
    }
}
