using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Inventory;
using CommerceKit.TestServers;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.PostgreSql.Tests.Inventory;

/// <summary>Starts its own postgres, because it kills it: an outage is one documented exception and holds nothing.</summary>
public sealed class PostgreSqlInventoryOutageTests
{
    [Fact]
    public async Task With_postgres_down_a_reservation_throws_BackendUnavailableException_and_after_a_restart_nothing_is_held()
    {
        await using var server = await PostgreSqlServer.StartAsync();
        await using var services = new ServiceCollection().AddLogging().AddCommerceKit()
            .AddPostgreSql(o =>
            {
                o.ConnectionString = server.ConnectionString;
                o.RetryAttempts = 0;
            })
            .AddInventory(inventory => inventory.UsePostgreSql()).Services.BuildServiceProvider();
        var inventory = services.GetRequiredService<IInventory>();
        await inventory.SetStockAsync("SKU-1", 5);

        server.Kill();
        var outage = await Assert.ThrowsAsync<BackendUnavailableException>(async () =>
            await inventory.ReserveAsync(new ReservationRequest("order-1", [new ReservationLine("SKU-1", 2)], TimeSpan.FromMinutes(10))));

        Assert.Equal("postgresql", outage.Backend);
        await server.RestartAsync();
        await Eventually.BackendServesAsync(
            async () => Assert.Equal(new StockLevel("SKU-1", 5, 0), await inventory.GetStockAsync("SKU-1")),
            TimeSpan.FromSeconds(30));
        Assert.Equal(ReservationStatus.NotFound, await inventory.ConfirmAsync("order-1"));
    }
}
