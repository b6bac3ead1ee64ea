using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Inventory;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommerceKit.PostgreSql.Tests.Inventory;

/// <summary>
/// The set-based batch function decides each request as a call of its own would: for random batches (repeated ids,
/// two SKUs, customers with and without limits), the same outcomes and figures, and the same stock and customer units
/// afterwards, as <c>inventory_reserve</c> called once per request in the same order.
/// </summary>
public sealed class PostgreSqlReservationBatchProperties(PostgreSqlServerFixture postgres) : IClassFixture<PostgreSqlServerFixture>
{
    private static readonly Arbitrary<(int[] Stock, Request[] Requests)> Batches =
        (from stock in Gen.Choose(0, 6).ArrayOf(2)
         from requests in (from id in Gen.Choose(0, 5)
                           from sku in Gen.Choose(0, 1)
                           from quantity in Gen.Choose(1, 3)
                           from customer in Gen.Elements<string?>(null, "alice", "bob")
                           from limit in Gen.Elements<int?>(null, 1, 2, 4)
                           select new Request(id, sku, quantity, customer, customer is null ? null : limit)).ArrayOf()
         select (stock, requests.OrderBy(r => r.Sku).ToArray()))
        .ToArbitrary();

    [Property(MaxTest = 60)]
    public Property A_batch_answers_and_ends_as_one_call_per_request_would() =>
        Prop.ForAll(Batches, async batch =>
        {
            await using var services = new ServiceCollection().AddLogging().AddCommerceKit()
                .AddPostgreSql(o => o.ConnectionString = postgres.ConnectionString).AddInventory(inventory => inventory.UsePostgreSql()).Services.BuildServiceProvider();
            var inventory = services.GetRequiredService<IInventory>();
            await using var source = NpgsqlDataSource.Create(postgres.ConnectionString);
            var run = Guid.NewGuid().ToString("N")[..8];
            string Sku(string path, int sku) => $"{path}-{run}-{sku}";
            string Id(string path, int id) => $"{path}-{run}-{id}";
            foreach (var path in new[] { "batch", "single" })
            {
                for (var sku = 0; sku < 2; sku++)
                {
                    await inventory.SetStockAsync(Sku(path, sku), batch.Stock[sku]);
                }
            }

            var requests = batch.Requests;
            var batched = new List<(int Outcome, long? Figure)>();
            await using (var command = source.CreateCommand("SELECT outcome, available FROM commercekit.inventory_reserve_batch($1, $2, $3, $4, $5, $6, 60000)"))
            {
                command.Parameters.Add(new() { Value = requests.Select(r => Id("batch", r.Id)).ToArray() });
                command.Parameters.Add(new() { Value = requests.Select(r => Sku("batch", r.Sku)).ToArray() });
                command.Parameters.Add(new() { Value = requests.Select(r => r.Quantity).ToArray() });
                command.Parameters.Add(new() { Value = requests.Select(_ => 60_000L).ToArray() });
                command.Parameters.Add(new() { Value = requests.Select(r => r.Customer).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
                command.Parameters.Add(new() { Value = requests.Select(r => r.Limit).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Integer });
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    batched.Add((reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetInt64(1)));
                }
            }

            var single = new List<(int Outcome, long? Figure)>();
            foreach (var r in requests)
            {
                await using var command = source.CreateCommand("SELECT outcome, short_available[1] FROM commercekit.inventory_reserve($1, $2, $3, 60000, $4, $5, 60000)");
                command.Parameters.Add(new() { Value = Id("single", r.Id) });
                command.Parameters.Add(new() { Value = new[] { Sku("single", r.Sku) } });
                command.Parameters.Add(new() { Value = new[] { r.Quantity } });
                command.Parameters.Add(new() { Value = (object?)r.Customer ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
                command.Parameters.Add(new() { Value = (object?)r.Limit ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
                await using var reader = await command.ExecuteReaderAsync();
                await reader.ReadAsync();
                single.Add((reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetInt64(1)));
            }

            Assert.Equal(single, batched);
            for (var sku = 0; sku < 2; sku++)
            {
                var (batchLevel, singleLevel) = (await inventory.GetStockAsync(Sku("batch", sku)), await inventory.GetStockAsync(Sku("single", sku)));
                Assert.Equal((singleLevel.OnHand, singleLevel.Reserved), (batchLevel.OnHand, batchLevel.Reserved));
                Assert.Equal(await CustomerUnitsAsync(source, Sku("single", sku)), await CustomerUnitsAsync(source, Sku("batch", sku)));
            }

            return true;
        });

    private static async Task<string> CustomerUnitsAsync(NpgsqlDataSource source, string sku)
    {
        await using var command = source.CreateCommand("SELECT coalesce(string_agg(customer_id || '=' || units, ',' ORDER BY customer_id), '') FROM commercekit.inventory_customer_units WHERE sku = $1");
        command.Parameters.Add(new() { Value = sku });
        return (string)(await command.ExecuteScalarAsync())!;
    }

    public readonly record struct Request(int Id, int Sku, int Quantity, string? Customer, int? Limit);
}
