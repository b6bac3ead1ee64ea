using CommerceKit;
using CommerceKit.Inventory;
using CommerceKit.PostgreSql.Inventory;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL inventory.</summary>
public static class PostgreSqlInventoryCommerceKitBuilderExtensions
{
    /// <summary>
    /// Makes PostgreSQL the backend of <see cref="IInventory"/>: one function call per operation, multi-SKU
    /// reservations in one transaction, one-line reservations coalesced into shared transactions, expiry on the
    /// database clock. Requires <c>AddPostgreSql()</c>; the tables are
    /// created on first use.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Configures <see cref="InventoryOptions"/>.</param>
    /// <param name="configurePostgreSql">Configures <see cref="PostgreSqlInventoryOptions"/> (coalescing of hot-SKU reservations).</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddPostgreSqlInventory(
        this ICommerceKitBuilder builder,
        Action<InventoryOptions>? configure = null,
        Action<PostgreSqlInventoryOptions>? configurePostgreSql = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptionsWithValidateOnStart<PostgreSqlInventoryOptions, PostgreSqlInventoryOptionsValidator>();
        if (configurePostgreSql is not null)
        {
            options.Configure(configurePostgreSql);
        }

        return builder.AddInventory<PostgreSqlInventoryStore>(configure);
    }
}
