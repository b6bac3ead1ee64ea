using System.Text;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Outbox;
using CommerceKit.Outbox;
using CommerceKit.TestServers;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.PostgreSql.Tests.Outbox;

/// <summary>Dispatchers in processes of their own, killed with SIGKILL: at least once, never lost, in order per key.</summary>
public sealed class PostgreSqlOutboxCrashTests(PostgreSqlServerFixture postgres) : IClassFixture<PostgreSqlServerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task A_dispatcher_killed_between_publish_and_mark_has_its_message_published_again_by_another()
    {
        await using var log = await OutboxLog.CreateAsync(postgres.ConnectionString);
        await using var writer = Services(log.Schema, o => o.DispatcherEnabled = false);
        OutboxMessage[] messages = [.. Enumerable.Range(1, 3).Select(n => Message("k", n))];
        await writer.GetRequiredService<IOutbox>().EnqueueAllAsync(messages);

        using (var stalled = await LeaseHolderProcess.StartAsync(Dispatcher(log.Schema, "stalled", lease: TimeSpan.FromSeconds(2), mode: "stall")))
        {
            stalled.Kill();
        }

        var publisher = new RecordingPublisher();
        await using var survivor = Services(log.Schema, publisher: publisher);
        survivor.GetRequiredService<IOutbox>();
        await Eventually.HoldsAsync(() => Task.FromResult(publisher.Log.Count >= 3), TimeSpan.FromSeconds(30), "the killed dispatcher's claim published");

        var killed = Assert.Single(await log.ReadAsync());
        Assert.Equal(("stalled", messages[0].Id), (killed.Dispatcher, killed.MessageId));
        Assert.Equal(messages.Select(m => m.Id), publisher.Published.Select(e => e.Id));
        Assert.Equal(1, publisher.Published[0].Attempt);
        await Eventually.HoldsAsync(async () => (await writer.GetRequiredService<OutboxStore>().GetBacklogAsync(default)).PendingCount == 0, TimeSpan.FromSeconds(10), "all marked");
    }

    [Fact]
    public async Task Three_dispatchers_publish_20000_messages_over_50_keys_in_order_when_one_is_killed_halfway()
    {
        const int Keys = 50, PerKey = 400, Total = Keys * PerKey;
        await using var log = await OutboxLog.CreateAsync(postgres.ConnectionString);
        await using var writer = Services(log.Schema, o => o.DispatcherEnabled = false);
        var outbox = writer.GetRequiredService<IOutbox>();
        await outbox.EnqueueAsync(Message("warm-up", 0));
        // Long enough that no surviving dispatcher's claim runs out on a loaded machine: only the killed one's may.
        var lease = TimeSpan.FromSeconds(15);
        using var killed = await LeaseHolderProcess.StartAsync(Dispatcher(log.Schema, "killed", lease, mode: "slow"));
        using var second = await LeaseHolderProcess.StartAsync(Dispatcher(log.Schema, "second", lease));
        using var third = await LeaseHolderProcess.StartAsync(Dispatcher(log.Schema, "third", lease));

        // Enqueued while the dispatchers run, 500 at a time, every batch spanning all keys.
        for (var n = 0; n < PerKey; n += 10)
        {
            await outbox.EnqueueAllAsync([.. Enumerable.Range(n, 10).SelectMany(i => Enumerable.Range(0, Keys).Select(k => Message($"key-{k}", i)))]);
        }

        // Killed halfway, in the middle of publishing a claim: what it held must still be published, by the others.
        await Eventually.HoldsAsync(async () => await log.CountAsync() >= Total / 2, Deadline, "half published");
        await Eventually.HoldsAsync(async () => (await log.HeldByAsync(killed.ProcessId, unpublishedOnly: true)).Count > 0, Deadline, "the dispatcher to kill is publishing a claim");
        killed.Kill();
        // What it still held at the kill (it may have finished that claim in between: then nothing).
        var held = await log.HeldByAsync(killed.ProcessId);
        await Eventually.HoldsAsync(async () => await log.CountAsync(distinct: true) == Total + 1, Deadline, "every message published");
        await Eventually.HoldsAsync(async () => (await writer.GetRequiredService<OutboxStore>().GetBacklogAsync(default)).PendingCount == 0, Deadline, "every message marked published");

        var rows = await log.ReadAsync();
        for (var k = 0; k < Keys; k++)
        {
            var firsts = rows.Where(r => r.Key == $"key-{k}").DistinctBy(r => r.MessageId).Select(r => int.Parse(r.Payload, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(Enumerable.Range(0, PerKey), firsts);
        }

        var heldAndPublishedByOthers = rows.Where(r => r.Dispatcher != "killed").Select(r => r.MessageId).ToHashSet();
        Assert.All(held, id => Assert.Contains(id, heldAndPublishedByOthers));
        var duplicates = rows.GroupBy(r => r.MessageId).Where(g => g.Count() > 1).ToList();
        Assert.All(duplicates, publications => Assert.Equal("killed", publications.First().Dispatcher));
        Assert.Contains(rows, r => r.Dispatcher != "killed");
        var byDispatcher = string.Join(", ", rows.GroupBy(r => r.Dispatcher).Select(g => $"{g.Key} {g.Count()}"));
        Console.WriteLine($"{Total} messages, {rows.Count} publications ({byDispatcher}), {held.Count} held by the killed dispatcher, {duplicates.Count} duplicates, all of its claims");
    }

    private ServiceProvider Services(string schema, Action<OutboxOptions>? configure = null, IOutboxPublisher? publisher = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddCommerceKit()
            .AddPostgreSql(o =>
            {
                o.ConnectionString = postgres.ConnectionString;
                o.Schema = schema;

                // Three dispatcher processes, the test and the other test classes share two cores: an enqueue may wait.
                o.OperationTimeout = TimeSpan.FromSeconds(30);
            })
            .AddOutbox(outbox => outbox.UsePostgreSql().Configure(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(200);
                configure?.Invoke(o);
            }));
        if (publisher is not null)
        {
            services.AddSingleton(publisher);
        }

        return services.BuildServiceProvider();
    }

    // The command line of tests/CommerceKit.LeaseHolder's outbox dispatcher; mode "stall" or "slow" (see there).
    private string[] Dispatcher(string schema, string name, TimeSpan lease, string? mode = null) =>
        ["outbox", "postgresql", postgres.ConnectionString, schema, name, ((int)lease.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), .. mode is null ? Array.Empty<string>() : [mode]];

    private static OutboxMessage Message(string key, int sequence) =>
        new("OrderEvent", Encoding.UTF8.GetBytes(sequence.ToString(System.Globalization.CultureInfo.InvariantCulture))) { PartitionKey = key };
}
