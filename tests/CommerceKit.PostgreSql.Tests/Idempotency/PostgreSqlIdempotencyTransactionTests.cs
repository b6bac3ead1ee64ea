using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Idempotency;
using Npgsql;

namespace CommerceKit.PostgreSql.Tests.Idempotency;

/// <summary>Completion inside the caller's transaction: the business write and the idempotency record commit or roll back together.</summary>
public sealed class PostgreSqlIdempotencyTransactionTests(PostgreSqlServerFixture postgres) : IClassFixture<PostgreSqlServerFixture>, IAsyncLifetime
{
    private readonly PostgreSqlIdempotencyBackend _backend = new(postgres.ConnectionString);
    private readonly string _scope = Guid.NewGuid().ToString("N");
    private IIdempotencyExecutor _executor = null!;

    public async Task InitializeAsync()
    {
        _executor = _backend.CreateExecutor();
        await using var connection = await _backend.Database.OpenConnectionAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS orders (id text PRIMARY KEY, total_cents int NOT NULL)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task A_committed_order_and_its_record_are_stored_together_and_replayed()
    {
        var key = new IdempotencyKey(_scope, "order-1");
        var runs = 0;

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var result = await _executor.ExecuteAsync(key, "fp", (context, token) => PlaceOrderAsync(context, "o-commit", ++runs, commit: true, token));
            Assert.Equal("o-commit", result.Value);
            Assert.Equal(attempt == 1, result.IsReplay);
        }

        Assert.Equal(1, runs);
        Assert.Equal(1L, await CountOrdersAsync("o-commit"));
    }

    [Fact]
    public async Task A_rolled_back_transaction_leaves_neither_the_order_nor_the_record()
    {
        var key = new IdempotencyKey(_scope, "order-2");

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _executor.ExecuteAsync(key, "fp", (context, token) => PlaceOrderAsync(context, "o-rollback", 1, commit: false, token)));

        Assert.Equal(0L, await CountOrdersAsync("o-rollback"));
        var retry = await _executor.ExecuteAsync(key, "fp", (_, _) => Task.FromResult("retried"));
        Assert.False(retry.IsReplay);
    }

    [Fact]
    public async Task A_stale_attempt_cannot_complete_in_its_transaction_so_its_order_rolls_back()
    {
        var key = new IdempotencyKey(_scope, "order-3");
        var store = _backend.CreateStore();
        var stale = await store.TryClaimAsync(key, "fp", TimeSpan.FromMilliseconds(300), CancellationToken.None);
        IdempotencyClaim? takeover = null;
        await Eventually.HoldsAsync(
            async () => (takeover = await store.TryClaimAsync(key, "fp", TimeSpan.FromMinutes(1), CancellationToken.None)).Status == IdempotencyClaimStatus.Claimed,
            TimeSpan.FromSeconds(10),
            "the lease ran out");

        await using var connection = await _backend.Database.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        await InsertOrderAsync(transaction, "o-stale", 1);
        var stored = await _backend.Transactions.TryCompleteAsync(transaction, key, stale.LeaseToken, new StoredResponse(200, "\"o-stale\""u8.ToArray()), TimeSpan.FromHours(1));

        Assert.False(stored);
        Assert.True(await _backend.Transactions.TryCompleteAsync(
            transaction, key, takeover!.LeaseToken, new StoredResponse(200, "\"o-new\""u8.ToArray()), TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task A_completed_transaction_is_refused_with_the_parameter_name()
    {
        await using var connection = await _backend.Database.OpenConnectionAsync(CancellationToken.None);
        var transaction = await connection.BeginTransactionAsync();
        await transaction.CommitAsync();

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => _backend.Transactions.TryCompleteAsync(
            transaction, new IdempotencyKey(_scope, "k"), 1, new StoredResponse(200, Array.Empty<byte>()), TimeSpan.FromHours(1)));
        Assert.Equal("transaction", refused.ParamName);
    }

    private async Task<string> PlaceOrderAsync(IdempotencyContext context, string orderId, int totalCents, bool commit, CancellationToken token)
    {
        await using var connection = await _backend.Database.OpenConnectionAsync(token);
        await using var transaction = await connection.BeginTransactionAsync(token);
        await InsertOrderAsync(transaction, orderId, totalCents);
        await _backend.Transactions.CompleteAsync(transaction, context, orderId, token);
        if (!commit)
        {
            await transaction.RollbackAsync(token);
            throw new InvalidOperationException("The payment was declined after the order was written.");
        }

        await transaction.CommitAsync(token);
        return orderId;
    }

    private static async Task InsertOrderAsync(NpgsqlTransaction transaction, string orderId, int totalCents)
    {
        await using var command = new NpgsqlCommand("INSERT INTO orders (id, total_cents) VALUES ($1, $2)", transaction.Connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = orderId });
        command.Parameters.Add(new NpgsqlParameter { Value = totalCents });
        await command.ExecuteNonQueryAsync();
    }

    private Task<long> CountOrdersAsync(string orderId) => _backend.Database.ScalarAsync<long>("SELECT count(*) FROM orders WHERE id = $1", orderId)!;
}
