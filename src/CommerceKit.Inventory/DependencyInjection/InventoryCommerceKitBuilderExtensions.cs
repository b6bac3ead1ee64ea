using CommerceKit;
using CommerceKit.Inventory;
using CommerceKit.Inventory.Engine;
using CommerceKit.Inventory.InMemory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CommerceKit inventory.</summary>
public static class InventoryCommerceKitBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IInventory"/> with its options (validated at start-up) and the hosted expiry sweeper that
    /// returns expired stock and calls every registered <see cref="IReservationExpiredHandler"/>. Unless a backend
    /// registration chose another, stock lives in this process's memory. Calling it again only adds configuration.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Configures <see cref="InventoryOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddInventory(this ICommerceKitBuilder builder, Action<InventoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var options = builder.Services.AddOptionsWithValidateOnStart<InventoryOptions, InventoryOptionsValidator>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddSingleton<InventoryStore, InMemoryInventoryStore>();
        builder.Services.TryAddSingleton<IInventory>(services => services.GetRequiredService<InventoryStore>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReservationExpirySweeper>());
        return builder;
    }

    /// <summary>
    /// Makes <typeparamref name="TStore"/> the inventory backend and registers the inventory as
    /// <see cref="AddInventory"/> does: the hook for backend packages.
    /// </summary>
    /// <typeparam name="TStore">The backend's store.</typeparam>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Configures <see cref="InventoryOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddInventory<TStore>(this ICommerceKitBuilder builder, Action<InventoryOptions>? configure = null)
        where TStore : InventoryStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<InventoryStore, TStore>());
        return builder.AddInventory(configure);
    }
}
