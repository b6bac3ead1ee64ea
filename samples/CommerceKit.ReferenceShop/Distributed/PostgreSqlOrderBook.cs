using System.Text.Json;
using CommerceKit.Outbox;
using CommerceKit.PostgreSql.Outbox;
using CommerceKit.ReferenceShop.Orders;
using Npgsql;

namespace CommerceKit.ReferenceShop.Distributed;

/// <summary>Confirmed orders in <c>shop.orders</c>, written in one transaction with their <c>OrderPlaced</c> event.</summary>
internal sealed class PostgreSqlOrderBook(NpgsqlDataSource database, PostgreSqlOutbox outbox) : IOrderBook
{
    private const string Columns = "order_id, customer_id, email, items, total_cents, charge_id";

    public async ValueTask SaveAsync(ConfirmedOrder order, OutboxMessage placed, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = new NpgsqlCommand(
            $"INSERT INTO shop.orders ({Columns}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_id) DO NOTHING", connection, transaction);
        foreach (var value in new object[] { order.OrderId, order.CustomerId, order.Email, JsonSerializer.Serialize(order.Items), order.TotalCents, order.ChargeId })
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        insert.Parameters[3].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb;
        if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return; // saved by an earlier attempt of this step, with its event
        }

        await outbox.EnqueueAsync(placed, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public ValueTask<ConfirmedOrder?> FindAsync(string orderId, CancellationToken cancellationToken) =>
        ShopSql.RunAsync(async () =>
        {
            await using var command = database.CreateCommand($"SELECT {Columns} FROM shop.orders WHERE order_id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = orderId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new ConfirmedOrder(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    JsonSerializer.Deserialize<List<OrderLine>>(reader.GetString(3)) ?? [],
                    reader.GetInt64(4),
                    reader.GetString(5))
                : null;
        });

    public ValueTask<string?> LatestEmailAsync(string customerId, CancellationToken cancellationToken) =>
        ShopSql.RunAsync(async () =>
        {
            await using var command = database.CreateCommand("SELECT email FROM shop.orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 1");
            command.Parameters.Add(new NpgsqlParameter { Value = customerId });
            return await command.ExecuteScalarAsync(cancellationToken) as string;
        });
}
