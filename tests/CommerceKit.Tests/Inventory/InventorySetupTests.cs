using CommerceKit.Inventory;
using CommerceKit.Inventory.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CommerceKit.Tests.Inventory;

public sealed class InventorySetupTests
{
    [Fact]
    public void AddInventory_registers_the_in_memory_store_and_one_expiry_sweeper_with_the_documented_defaults()
    {
        using var services = new ServiceCollection().AddLogging().AddCommerceKit().AddInventory().AddInventory().Services.BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<InventoryOptions>>().Value;
        Assert.IsType<InMemoryInventoryStore>(services.GetRequiredService<InventoryStore>());
        Assert.NotNull(services.GetRequiredService<IInventory>());
        Assert.Single(services.GetServices<IHostedService>());
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.SweepInterval);
        Assert.Equal(TimeSpan.FromHours(24), options.ReservationRetention);
    }

    [Fact]
    public void Invalid_options_fail_at_start_up_naming_the_option()
    {
        using var services = new ServiceCollection().AddCommerceKit().AddInventory(inventory => inventory.Configure(o => o.SweepInterval = TimeSpan.Zero)).Services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<InventoryOptions>>().Value);
        Assert.Contains(nameof(InventoryOptions.SweepInterval), failure.Message, StringComparison.Ordinal);
    }
}
