using CommerceKit.Inventory;
using CommerceKit.PostgreSql.Inventory;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps the inventory in PostgreSQL.</summary>
public static class PostgreSqlInventoryBuilderExtensions
{
    /// <summary>
    /// Keeps stock and reservations in PostgreSQL: one function call per operation, multi-SKU reservations in one
    /// transaction, one-line reservations coalesced into shared transactions, expiry on the database clock. Requires
    /// <c>AddPostgreSql()</c>; start-up fails without it. The tables are created on first use.
    /// </summary>
    /// <param name="inventory">The inventory builder.</param>
    /// <param name="configure">Configures <see cref="PostgreSqlInventoryOptions"/> (coalescing of hot-SKU reservations).</param>
    /// <returns>The builder.</returns>
    public static InventoryBuilder UsePostgreSql(this InventoryBuilder inventory, Action<PostgreSqlInventoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var options = inventory.Services.AddOptionsWithValidateOnStart<PostgreSqlInventoryOptions, PostgreSqlInventoryOptionsValidator>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        inventory.Services.UsePostgreSqlStore<InventoryStore, PostgreSqlInventoryStore>();
        return inventory;
    }
}
