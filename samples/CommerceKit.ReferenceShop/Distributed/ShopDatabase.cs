using CommerceKit.Inventory;
using CommerceKit.ReferenceShop.Catalog;
using CommerceKit.ReferenceShop.Hosting;
using Npgsql;

namespace CommerceKit.ReferenceShop.Distributed;

/// <summary>
/// Creates the shop's own tables (products, confirmed orders, customers' notifications) and seeds the catalog when an
/// instance starts. Instances starting together take turns on a transaction-scoped advisory lock, and a product that
/// exists is never seeded again: a restart never resets stock that has been sold.
/// </summary>
internal sealed class ShopDatabase(NpgsqlDataSource database, IInventory inventory, ILogger<ShopDatabase> logger) : IHostedService
{
    // Any fixed number, the same on every instance: the key of the advisory lock serialising start-up.
    private const long StartupLockKey = 0x5307_5107;

    private const string Schema = """
        CREATE SCHEMA IF NOT EXISTS shop;
        CREATE TABLE IF NOT EXISTS shop.products (
            sku text PRIMARY KEY,
            name text NOT NULL,
            description text NOT NULL,
            price_cents bigint NOT NULL,
            currency text NOT NULL,
            initial_stock bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS shop.orders (
            order_id text PRIMARY KEY,
            customer_id text NOT NULL,
            email text NOT NULL,
            items jsonb NOT NULL,
            total_cents bigint NOT NULL,
            charge_id text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now());
        CREATE INDEX IF NOT EXISTS orders_by_customer ON shop.orders (customer_id, created_at DESC);
        CREATE TABLE IF NOT EXISTS shop.customer_notifications (
            customer_id text NOT NULL,
            notification_id text NOT NULL,
            channel text NOT NULL,
            template text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (customer_id, notification_id));
        """;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var locking = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction) { Parameters = { new() { Value = StartupLockKey } } })
        {
            await locking.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var schema = new NpgsqlCommand(Schema, connection, transaction))
        {
            await schema.ExecuteNonQueryAsync(cancellationToken);
        }

        var existing = new HashSet<string>(StringComparer.Ordinal);
        await using (var skus = new NpgsqlCommand("SELECT sku FROM shop.products", connection, transaction))
        await using (var reader = await skus.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                existing.Add(reader.GetString(0));
            }
        }

        // The stock first, then the product: a crash in between leaves a product that is not listed, so nothing was
        // sold of it, and the next start sets its stock again.
        var seeded = 0;
        foreach (var product in CatalogSeed.Products.Where(product => !existing.Contains(product.Sku)))
        {
            await inventory.SetStockAsync(product.Sku, product.InitialStock, cancellationToken);
            await PostgreSqlCatalog.InsertAsync(connection, transaction, product, cancellationToken);
            seeded++;
        }

        await transaction.CommitAsync(cancellationToken);
        ShopLog.CatalogSeeded(logger, seeded, existing.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
