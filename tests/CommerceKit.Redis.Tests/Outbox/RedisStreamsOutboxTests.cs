using System.Collections.Concurrent;
using System.Text;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Outbox;
using CommerceKit.PostgreSql.Outbox;
using CommerceKit.Redis.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;

namespace CommerceKit.Redis.Tests.Outbox;

/// <summary>The outbox published to Redis Streams and consumed from a consumer group, with a consumer process killed.</summary>
public sealed class RedisStreamsOutboxTests(RedisServerFixture redis, PostgreSqlServerFixture postgres)
    : IClassFixture<RedisServerFixture>, IClassFixture<PostgreSqlServerFixture>, IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _prefix = TestEnvironment.UniqueKeyPrefix();
    private readonly List<ServiceProvider> _instances = [];
    private ConnectionMultiplexer? _multiplexer;

    [Fact]
    public async Task Published_messages_reach_a_consumer_group_intact_and_each_member_gets_its_share_once()
    {
        var outbox = Instance(o => o.Topics["OrderPlaced"] = "orders").GetRequiredService<IOutbox>();
        OutboxMessage[] sent = [.. Enumerable.Range(0, 40).Select(n => Message("OrderPlaced", n))];
        await outbox.EnqueueAllAsync(sent);

        var handled = new ConcurrentBag<(string Member, OutboxEnvelope Envelope)>();
        using var stop = new CancellationTokenSource();
        var members = new[] { "a", "b" }.Select(member => Task.Run(() => Instance().GetRequiredService<RedisStreamsConsumer>().RunAsync(
            new RedisStreamsSubscription("orders", "billing", member) { BatchSize = 5 },
            (envelope, _) => { handled.Add((member, envelope)); return Task.CompletedTask; },
            stop.Token))).ToArray();
        await Eventually.HoldsAsync(() => Task.FromResult(handled.Count >= sent.Length), Deadline, "every message handled");
        await stop.CancelAsync();
        await Task.WhenAll(members);

        Assert.Equal(sent.Select(m => m.Id).Order(), handled.Select(h => h.Envelope.Id).Order());
        var first = handled.Single(h => h.Envelope.Id == sent[0].Id).Envelope;
        Assert.Equal(("OrderPlaced", sent[0].PartitionKey, "0", 1), (first.Type, first.PartitionKey, Encoding.UTF8.GetString(first.Payload.Span), first.Attempt));
        Assert.Equal(0, (await PendingAsync("orders", "billing")).PendingMessageCount);
    }

    [Fact]
    public async Task Streams_are_trimmed_to_about_their_maximum_length()
    {
        var outbox = Instance(o => o.MaxLength = 100).GetRequiredService<IOutbox>();
        for (var n = 0; n < 10; n++)
        {
            await outbox.EnqueueAllAsync([.. Enumerable.Range(n * 100, 100).Select(i => Message("Trimmed", i))]);
        }

        await Eventually.HoldsAsync(async () => await UnpublishedAsync() == 0, Deadline, "all published");
        Assert.InRange(await (await DatabaseAsync()).StreamLengthAsync($"{_prefix}:outbox:{{Trimmed}}:stream"), 100, 999);
    }

    [Fact]
    public async Task A_consumer_killed_mid_batch_has_its_messages_reclaimed_and_each_handled_once_through_the_inbox()
    {
        var effects = "stream_effects_" + Guid.NewGuid().ToString("N")[..8];
        await using var data = NpgsqlDataSource.Create(postgres.ConnectionString);
        await using (var create = data.CreateCommand($"CREATE TABLE {effects} (message_id uuid NOT NULL, consumer text NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        await Instance().GetRequiredService<IOutbox>().EnqueueAllAsync([.. Enumerable.Range(0, 10).Select(n => Message("Shipped", n))]);
        await Eventually.HoldsAsync(async () => await UnpublishedAsync() == 0, Deadline, "published to the stream");
        using (var doomed = await LeaseHolderProcess.StartAsync(["stream-consumer", redis.Configuration, postgres.ConnectionString, _prefix, "Shipped", effects]))
        {
            doomed.Kill();
        }

        Assert.Equal(10, (await PendingAsync("Shipped", "shipping")).PendingMessageCount);
        var survivor = Instance();
        var inbox = survivor.GetRequiredService<PostgreSqlInbox>();
        var duplicates = 0;
        using var stop = new CancellationTokenSource();
        var consuming = survivor.GetRequiredService<RedisStreamsConsumer>().RunAsync(
            new RedisStreamsSubscription("Shipped", "shipping", "survivor") { ClaimIdleAfter = TimeSpan.FromSeconds(1) },
            async (envelope, token) =>
            {
                if (!await inbox.ProcessOnceAsync("shipping", envelope.Id, (transaction, t) => RecordEffectAsync(transaction, effects, envelope.Id, t), token))
                {
                    Interlocked.Increment(ref duplicates);
                }
            },
            stop.Token);
        await Eventually.HoldsAsync(async () => (await PendingAsync("Shipped", "shipping")).PendingMessageCount == 0, Deadline, "every message acknowledged");
        await stop.CancelAsync();
        await consuming;

        await using var count = data.CreateCommand($"SELECT count(*), count(DISTINCT message_id), count(*) FILTER (WHERE consumer = 'doomed') FROM {effects}");
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal((10L, 10L, 1L), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
        Assert.Equal(1, duplicates);
    }

    [Fact]
    public async Task A_failed_handler_leaves_the_message_pending_and_it_is_delivered_again()
    {
        var outbox = Instance().GetRequiredService<IOutbox>();
        await outbox.EnqueueAsync(Message("Flaky", 1));
        await Eventually.HoldsAsync(async () => await UnpublishedAsync() == 0, Deadline, "published");
        var consumer = Instance().GetRequiredService<RedisStreamsConsumer>();
        var subscription = new RedisStreamsSubscription("Flaky", "g", "m") { ClaimIdleAfter = TimeSpan.FromMilliseconds(300) };
        var attempts = 0;

        Assert.Equal(1, await consumer.ConsumeOnceAsync(subscription, (_, _) => { attempts++; throw new InvalidOperationException("not yet"); }, default));
        Assert.Equal(1, (await PendingAsync("Flaky", "g")).PendingMessageCount);
        await Task.Delay(400);
        Assert.Equal(1, await consumer.ConsumeOnceAsync(subscription, (_, _) => { attempts++; return Task.CompletedTask; }, default));

        Assert.Equal(2, attempts);
        Assert.Equal(0, (await PendingAsync("Flaky", "g")).PendingMessageCount);
        Assert.Equal("group", Assert.Throws<ArgumentException>(() => new RedisStreamsSubscription("t", "", "m")).ParamName);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            consumer.ConsumeOnceAsync(new RedisStreamsSubscription("t", "g", "m") { BatchSize = 0 }, (_, _) => Task.CompletedTask, default));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        if (_multiplexer is not null)
        {
            await _multiplexer.DisposeAsync();
        }
    }

    private ServiceProvider Instance(Action<RedisStreamsOptions>? streams = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddCommerceKit(o => o.KeyPrefix = _prefix)
            .AddRedis(o => o.Configuration = redis.Configuration)
            .AddPostgreSql(o => o.ConnectionString = postgres.ConnectionString)
            .AddOutbox(outbox => outbox.UseRedisStreams(streams).Configure(o => o.PollInterval = TimeSpan.FromMilliseconds(100)))
            .AddInbox(inbox => inbox.UsePostgreSql());
        var instance = services.BuildServiceProvider();
        _instances.Add(instance);
        return instance;
    }

    // Each instance keeps its outbox in its own memory: what none of them has published yet.
    private async Task<long> UnpublishedAsync()
    {
        var total = 0L;
        foreach (var instance in _instances)
        {
            total += (await instance.GetRequiredService<OutboxStore>().GetBacklogAsync(default)).PendingCount;
        }

        return total;
    }

    private async Task<IDatabase> DatabaseAsync()
    {
        _multiplexer ??= await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        return _multiplexer.GetDatabase();
    }

    private async Task<StreamPendingInfo> PendingAsync(string topic, string group) =>
        await (await DatabaseAsync()).StreamPendingAsync($"{_prefix}:outbox:{{{topic}}}:stream", group);

    private static async Task RecordEffectAsync(NpgsqlTransaction transaction, string table, Guid messageId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"INSERT INTO {table} (message_id, consumer) VALUES ($1, 'survivor')", transaction.Connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = messageId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static OutboxMessage Message(string type, int n) =>
        new(type, Encoding.UTF8.GetBytes(n.ToString(System.Globalization.CultureInfo.InvariantCulture))) { PartitionKey = $"order-{n % 3}" };
}
