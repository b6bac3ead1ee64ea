using CommerceKit.ReferenceShop.Catalog;
using Npgsql;

namespace CommerceKit.ReferenceShop.Distributed;

/// <summary>The catalog in <c>shop.products</c>, shared by every instance.</summary>
internal sealed class PostgreSqlCatalog(NpgsqlDataSource database) : ICatalog
{
    private const string Columns = "sku, name, description, price_cents, currency, initial_stock";

    public ValueTask<Product?> FindAsync(string sku, CancellationToken cancellationToken) =>
        ShopSql.RunAsync(async () =>
        {
            await using var command = database.CreateCommand($"SELECT {Columns} FROM shop.products WHERE sku = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = sku });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
        });

    public ValueTask<(IReadOnlyList<Product> Items, bool HasMore)> PageAsync(string? afterSku, int limit, CancellationToken cancellationToken) =>
        ShopSql.RunAsync<(IReadOnlyList<Product>, bool)>(async () =>
        {
            // One row more than asked tells whether another page follows. COLLATE "C" orders SKUs as the cursor does.
            await using var command = database.CreateCommand(
                $"SELECT {Columns} FROM shop.products WHERE $1::text IS NULL OR sku COLLATE \"C\" > $1 ORDER BY sku COLLATE \"C\" LIMIT $2");
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)afterSku ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (long)limit + 1 });
            var items = new List<Product>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(Read(reader));
            }

            var hasMore = items.Count > limit;
            return (hasMore ? items[..limit] : items, hasMore);
        });

    public async ValueTask UpsertAsync(Product product, CancellationToken cancellationToken)
    {
        await ShopSql.RunAsync(async () =>
        {
            await using var command = database.CreateCommand(
                $"""
                INSERT INTO shop.products ({Columns}) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (sku) DO UPDATE SET name = excluded.name, description = excluded.description,
                    price_cents = excluded.price_cents, currency = excluded.currency
                """);
            AddValues(command.Parameters, product);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        });
    }

    /// <summary>Inserts a seeded product in <paramref name="transaction"/>, unless it exists.</summary>
    public static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Product product, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"INSERT INTO shop.products ({Columns}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sku) DO NOTHING", connection, transaction);
        AddValues(command.Parameters, product);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddValues(NpgsqlParameterCollection parameters, Product product)
    {
        foreach (var value in new object[] { product.Sku, product.Name, product.Description, product.PriceCents, product.Currency, product.InitialStock })
        {
            parameters.Add(new NpgsqlParameter { Value = value });
        }
    }

    private static Product Read(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4), reader.GetInt64(5));
}
