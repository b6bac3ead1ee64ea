using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Locking;
using CommerceKit.Locking;
using Npgsql;

namespace CommerceKit.PostgreSql.Tests.Locking;

public sealed class PostgreSqlFencedWritesTests(PostgreSqlServerFixture postgres) : IClassFixture<PostgreSqlServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private readonly PostgreSqlLockingBackend _backend = new(postgres.ConnectionString);

    public async Task InitializeAsync()
    {
        _backend.CreateProvider();
        await ExecuteAsync("CREATE TABLE IF NOT EXISTS stock_counts (sku text PRIMARY KEY, counted int NOT NULL, counted_by text NOT NULL)");
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task A_paused_holder_whose_lease_was_taken_over_cannot_commit_over_the_next_holders_write()
    {
        // MaxHoldTime stops the renewals, as a long GC pause or a frozen VM would: the lease runs out under the holder.
        var paused = await _backend.CreateProvider(o => { o.Expiry = TimeSpan.FromMilliseconds(500); o.MaxHoldTime = TimeSpan.FromMilliseconds(100); })
            .CreateLock("recount:SKU-1").AcquireAsync(TimeSpan.Zero);
        await using var next = await _backend.CreateProvider().CreateLock("recount:SKU-1").AcquireAsync(Deadline);
        await WriteCountAsync(next, 40, "next holder");

        await Assert.ThrowsAsync<StaleFencingTokenException>(() => WriteCountAsync(paused, 99, "paused holder"));

        Assert.Equal("40 by next holder", await ReadCountAsync("SKU-1"));
        await paused.DisposeAsync();
    }

    [Fact]
    public async Task A_rolled_back_fenced_write_leaves_neither_the_write_nor_its_token()
    {
        await using (var connection = await _backend.Database.OpenConnectionAsync(default))
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await _backend.FencedWrites.EnsureCurrentAsync(transaction, "recount:SKU-2", 500);
            await UpsertCountAsync(transaction, "SKU-2", 7, "rolled back");
            await transaction.RollbackAsync();
        }

        await using (var connection = await _backend.Database.OpenConnectionAsync(default))
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await _backend.FencedWrites.EnsureCurrentAsync(transaction, "recount:SKU-2", 499);
            await UpsertCountAsync(transaction, "SKU-2", 8, "older token");
            await transaction.CommitAsync();
        }

        Assert.Equal("8 by older token", await ReadCountAsync("SKU-2"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\tinside")]
    public async Task Invalid_resources_are_refused_with_the_parameter_name(string resource)
    {
        await using var connection = await _backend.Database.OpenConnectionAsync(default);
        await using var transaction = await connection.BeginTransactionAsync();

        var failure = await Assert.ThrowsAsync<ArgumentException>(() => _backend.FencedWrites.EnsureCurrentAsync(transaction, resource, 1));

        Assert.Equal("resource", failure.ParamName);
    }

    private async Task WriteCountAsync(ILockHandle handle, int counted, string countedBy)
    {
        await using var connection = await _backend.Database.OpenConnectionAsync(default);
        await using var transaction = await connection.BeginTransactionAsync();
        await _backend.FencedWrites.EnsureCurrentAsync(transaction, handle.Name, handle.FencingToken);
        await UpsertCountAsync(transaction, handle.Name["recount:".Length..], counted, countedBy);
        await transaction.CommitAsync();
    }

    private static async Task UpsertCountAsync(NpgsqlTransaction transaction, string sku, int counted, string countedBy)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO stock_counts VALUES ($1, $2, $3) ON CONFLICT (sku) DO UPDATE SET counted = excluded.counted, counted_by = excluded.counted_by",
            transaction.Connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = sku });
        command.Parameters.Add(new NpgsqlParameter { Value = counted });
        command.Parameters.Add(new NpgsqlParameter { Value = countedBy });
        await command.ExecuteNonQueryAsync();
    }

    private async Task<string?> ReadCountAsync(string sku)
    {
        await using var connection = await _backend.Database.OpenConnectionAsync(default);
        await using var command = new NpgsqlCommand("SELECT counted || ' by ' || counted_by FROM stock_counts WHERE sku = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = sku });
        return (string?)await command.ExecuteScalarAsync();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await _backend.Database.OpenConnectionAsync(default);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
