using System.Diagnostics;
using System.Text;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Outbox;
using CommerceKit.Outbox;
using CommerceKit.PostgreSql.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommerceKit.PostgreSql.Tests.Outbox;

/// <summary>The outbox and inbox inside the application's own transactions, and the wake-up on commit.</summary>
public sealed class PostgreSqlOutboxTransactionTests(PostgreSqlServerFixture postgres) : IClassFixture<PostgreSqlServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private PostgreSqlOutboxBackend _backend = null!;
    private NpgsqlDataSource _orders = null!;

    public async Task InitializeAsync()
    {
        _backend = new PostgreSqlOutboxBackend(postgres.ConnectionString);
        _orders = NpgsqlDataSource.Create(postgres.ConnectionString);
        await using var command = _orders.CreateCommand("CREATE TABLE IF NOT EXISTS orders (id text PRIMARY KEY, total numeric NOT NULL)");
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _orders.DisposeAsync();
    }

    [Fact]
    public async Task An_order_and_its_event_commit_together_and_a_rollback_leaves_neither()
    {
        var publisher = new RecordingPublisher();
        var instance = _backend.CreateInstance(publisher);
        var outbox = instance.Services.GetRequiredService<PostgreSqlOutbox>();

        await PlaceOrderAsync(outbox, "rolled-back", commit: false);
        await PlaceOrderAsync(outbox, "committed", commit: true);

        await Eventually.HoldsAsync(() => Task.FromResult(publisher.Log.Count >= 1), Deadline, "the committed order's event published");
        await Task.Delay(500);
        var published = Assert.Single(publisher.Published);
        Assert.Equal("committed", Encoding.UTF8.GetString(published.Payload.Span));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM orders WHERE id IN ('committed', 'rolled-back')"));
        Assert.Equal(0, (await instance.Store.GetBacklogAsync(default)).PendingCount);
    }

    [Fact]
    public async Task A_commit_wakes_a_dispatcher_of_another_instance_without_waiting_for_its_poll()
    {
        var publisher = new RecordingPublisher();
        _backend.CreateInstance(publisher, o => o.PollInterval = TimeSpan.FromMinutes(5));
        var writer = _backend.CreateEnqueueOnlyInstance().Services.GetRequiredService<PostgreSqlOutbox>();
        await Task.Delay(1000); // the dispatcher's first poll and its LISTEN

        var clock = Stopwatch.StartNew();
        await PlaceOrderAsync(writer, "woken-" + Guid.NewGuid().ToString("N")[..6], commit: true);
        await Eventually.HoldsAsync(() => Task.FromResult(publisher.Log.Count >= 1), TimeSpan.FromSeconds(10), "published after the commit's NOTIFY");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"published {clock.Elapsed} after the commit");
    }

    [Fact]
    public async Task Enqueueing_in_a_completed_transaction_or_an_invalid_message_is_refused()
    {
        var outbox = _backend.CreateInstance(new RecordingPublisher(), o => o.MaxPayloadBytes = 8).Services.GetRequiredService<PostgreSqlOutbox>();
        await using var connection = await _orders.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await transaction.CommitAsync();

        Assert.Equal("transaction", (await Assert.ThrowsAsync<ArgumentException>(() =>
            outbox.EnqueueAsync(OutboxMessage.Create("x", "k"), transaction))).ParamName);
        await using var open = await connection.BeginTransactionAsync();
        Assert.Equal("message", (await Assert.ThrowsAsync<ArgumentException>(() =>
            outbox.EnqueueAsync(new OutboxMessage("t", new byte[9]), open))).ParamName);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => outbox.EnqueueAllAsync([], open));
        await Assert.ThrowsAsync<ArgumentNullException>(() => outbox.EnqueueAsync(OutboxMessage.Create("x"), null!));
    }

    [Fact]
    public async Task The_inbox_commits_a_consumers_write_with_its_record_and_a_redelivery_is_a_no_op()
    {
        await using var services = new ServiceCollection().AddLogging().AddCommerceKit()
            .AddPostgreSql(o => o.ConnectionString = postgres.ConnectionString)
            .AddInbox(inbox => inbox.UsePostgreSql()).Services.BuildServiceProvider();
        var inbox = services.GetRequiredService<PostgreSqlInbox>();
        var messageId = Guid.CreateVersion7();
        var orderId = "inbox-" + messageId.ToString("N")[..8];

        await Assert.ThrowsAsync<InvalidOperationException>(() => inbox.ProcessOnceAsync("shipping", messageId, async (transaction, token) =>
        {
            await InsertOrderAsync(transaction, orderId, token);
            throw new InvalidOperationException("the consumer failed after its write");
        }));
        Assert.Equal(0L, await ScalarAsync<long>($"SELECT count(*) FROM orders WHERE id = '{orderId}'"));

        Assert.True(await inbox.ProcessOnceAsync("shipping", messageId, (transaction, token) => InsertOrderAsync(transaction, orderId, token)));
        Assert.False(await inbox.ProcessOnceAsync("shipping", messageId, (transaction, token) => InsertOrderAsync(transaction, orderId, token)));
        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM orders WHERE id = '{orderId}'"));

        await using var connection = await _orders.OpenConnectionAsync();
        await using var own = await connection.BeginTransactionAsync();
        Assert.False(await inbox.TryRecordAsync("shipping", messageId, own));
        Assert.True(await inbox.TryRecordAsync("billing", messageId, own));
        await own.RollbackAsync();
        Assert.True(await inbox.ProcessOnceAsync("billing", messageId, (_, _) => Task.CompletedTask));
        Assert.Equal("consumer", (await Assert.ThrowsAsync<ArgumentException>(() => inbox.ProcessOnceAsync("", messageId, (_, _) => Task.CompletedTask))).ParamName);
    }

    private async Task PlaceOrderAsync(PostgreSqlOutbox outbox, string orderId, bool commit)
    {
        await using var connection = await _orders.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await InsertOrderAsync(transaction, orderId, default);
        await outbox.EnqueueAsync(new OutboxMessage("OrderPlaced", Encoding.UTF8.GetBytes(orderId)) { PartitionKey = orderId }, transaction);
        if (commit)
        {
            await transaction.CommitAsync();
        }
        else
        {
            await transaction.RollbackAsync();
        }
    }

    private static async Task InsertOrderAsync(NpgsqlTransaction transaction, string orderId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("INSERT INTO orders (id, total) VALUES ($1, 42)", transaction.Connection, transaction)
        {
            Parameters = { new() { Value = orderId } },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = _orders.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
