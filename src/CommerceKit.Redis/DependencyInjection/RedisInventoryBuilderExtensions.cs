using CommerceKit.Inventory;
using CommerceKit.Redis.Inventory;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps the inventory in Redis.</summary>
public static class RedisInventoryBuilderExtensions
{
    /// <summary>
    /// Keeps stock and reservations in Redis: on one server a reservation is one script, one round trip, all or
    /// nothing; on Redis Cluster its lines are held one slot at a time and given back if any is refused. Expiry runs on
    /// the Redis clock through the hosted sweeper. Requires <c>AddRedis()</c>; start-up fails without it.
    /// </summary>
    /// <param name="inventory">The inventory builder.</param>
    /// <returns>The builder.</returns>
    public static InventoryBuilder UseRedis(this InventoryBuilder inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        inventory.Services.UseRedisStore<InventoryStore, RedisInventoryStore>();
        return inventory;
    }
}
