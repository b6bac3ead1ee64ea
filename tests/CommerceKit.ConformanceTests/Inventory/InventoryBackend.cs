using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Inventory;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.ConformanceTests.Inventory;

/// <summary>
/// One inventory backend as the conformance suite sees it: inventories of separate application instances, each with
/// its expiry sweeper running. No host starts them: the suite's expiry tests prove that the sweeper runs without one.
/// </summary>
public abstract class InventoryBackend : BackendInstances
{
    /// <summary>Starts an instance with its own services and connection, the same stock, and its sweeper; <paramref name="onExpired"/> hears its expiries.</summary>
    public async Task<IInventory> CreateInventoryAsync(Action<InventoryOptions>? configure = null, IReservationExpiredHandler? onExpired = null) =>
        (await CreateInventoryAndStoreAsync(configure, onExpired)).Inventory;

    /// <summary>As <see cref="CreateInventoryAsync"/>, with the instance's store, for tests that call its sweeper's port.</summary>
    public Task<(IInventory Inventory, InventoryStore Store)> CreateInventoryAndStoreAsync(
        Action<InventoryOptions>? configure = null, IReservationExpiredHandler? onExpired = null)
    {
        var instance = CreateInstance(builder =>
        {
            if (onExpired is not null)
            {
                builder.Services.AddSingleton(onExpired);
            }

            AddBackend(builder, configure ?? (_ => { }));
        });

        // Resolving the inventory starts the sweeper; it stops when the instance is disposed with the backend.
        return Task.FromResult((instance.GetRequiredService<IInventory>(), instance.GetRequiredService<InventoryStore>()));
    }

    /// <summary>The command line of tests/CommerceKit.LeaseHolder that reserves one unit of <paramref name="sku"/> on this backend.</summary>
    public virtual IReadOnlyList<string> HolderProcessArguments(string sku, TimeSpan ttl) =>
        throw new NotSupportedException("This backend lives inside one process: another process cannot share its stock.");

    /// <summary>Registers the backend's inventory, passing <paramref name="configure"/> on.</summary>
    protected abstract void AddBackend(ICommerceKitBuilder builder, Action<InventoryOptions> configure);
}
