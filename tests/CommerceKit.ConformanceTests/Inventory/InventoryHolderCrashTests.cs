using CommerceKit.ConformanceTests.Coverage;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Inventory;

namespace CommerceKit.ConformanceTests.Inventory;

/// <summary>Stock held by a process that dies without a word comes back when its reservation expires.</summary>
[ConformanceSuite("Inventory", ConformanceBackend.Redis, ConformanceBackend.PostgreSql)]
public abstract class InventoryHolderCrashTests : InventorySuite
{
    [Fact]
    public async Task Stock_reserved_by_a_process_killed_with_SIGKILL_comes_back_within_a_second_of_its_expiry()
    {
        var ttl = TimeSpan.FromSeconds(2);
        var inventory = await Backend.CreateInventoryAsync();
        await inventory.SetStockAsync(Sku("crash"), 1);
        using var holder = await LeaseHolderProcess.StartAsync(Backend.HolderProcessArguments(Sku("crash"), ttl));
        var reservedAt = DateTimeOffset.UtcNow;
        Assert.Equal(new StockLevel(Sku("crash"), 1, 1), await inventory.GetStockAsync(Sku("crash")));

        holder.Kill();
        await Eventually.HoldsAsync(
            async () => (await inventory.GetStockAsync(Sku("crash"))).Available == 1,
            ttl + TimeSpan.FromSeconds(1) - (DateTimeOffset.UtcNow - reservedAt),
            "the dead process's unit is available again");

        Assert.Equal(ReservationStatus.Expired, await inventory.ConfirmAsync("holder-" + Sku("crash")));
    }
}
