using CommerceKit;
using CommerceKit.Inventory;
using CommerceKit.Redis.Inventory;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis inventory.</summary>
public static class RedisInventoryCommerceKitBuilderExtensions
{
    /// <summary>
    /// Makes Redis the backend of <see cref="IInventory"/>: on one server a reservation is one script, one round trip,
    /// all or nothing; on Redis Cluster its lines are held one slot at a time and given back if any is refused.
    /// Expiry runs on the Redis clock through the hosted sweeper. Requires <c>AddRedis()</c>.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Configures <see cref="InventoryOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddRedisInventory(this ICommerceKitBuilder builder, Action<InventoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddInventory<RedisInventoryStore>(configure);
    }
}
