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
    /// returns expired stock and calls every registered <see cref="IReservationExpiredHandler"/>. Stock lives in this
    /// process's memory unless <paramref name="configure"/> chooses a backend, for example
    /// <c>inventory => inventory.UseRedis()</c>. Calling it again only adds configuration.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Chooses the backend and configures <see cref="InventoryOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddInventory(this ICommerceKitBuilder builder, Action<InventoryBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptionsWithValidateOnStart<InventoryOptions, InventoryOptionsValidator>();
        builder.Services.TryAddSingleton<InventoryStore, InMemoryInventoryStore>();
        builder.Services.TryAddSingleton<IInventory>(services => services.GetRequiredService<InventoryStore>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReservationExpirySweeper>());
        configure?.Invoke(new InventoryBuilder(builder.Services));
        return builder;
    }
}
