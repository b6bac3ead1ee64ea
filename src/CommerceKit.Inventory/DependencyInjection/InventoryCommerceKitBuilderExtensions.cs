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
    /// Registers <see cref="IInventory"/> with its options (validated at start-up) and the expiry sweeper that returns
    /// expired stock and calls every registered <see cref="IReservationExpiredHandler"/>. The sweeper is a hosted service
    /// and also starts when <see cref="IInventory"/> is first resolved, so it runs without a Generic Host. Stock lives in this
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
        if (!builder.Services.Any(descriptor => descriptor.ServiceType == typeof(ReservationExpirySweeper)))
        {
            // One sweeper, started by the host or by the first resolve of IInventory, so it runs without a host too.
            builder.Services.AddSingleton<ReservationExpirySweeper>();
            builder.Services.AddSingleton<IHostedService>(services => services.GetRequiredService<ReservationExpirySweeper>());
        }

        builder.Services.TryAddSingleton<IInventory, InventoryEngine>();
        configure?.Invoke(new InventoryBuilder(builder.Services));
        return builder;
    }
}
