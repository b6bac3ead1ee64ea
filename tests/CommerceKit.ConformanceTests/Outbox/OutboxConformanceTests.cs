using System.Diagnostics;
using System.Text;
using CommerceKit.ConformanceTests.Coverage;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Outbox;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CommerceKit.ConformanceTests.Outbox;

/// <summary>
/// What every outbox backend must do: publish each committed message, in order per key across several dispatchers,
/// retry and dead-letter failures while parking only their key, re-drive and purge, take over a vanished dispatcher's
/// claim, delay until NotBefore, and keep the backlog and retention.
/// </summary>
[ConformanceSuite("Outbox", ConformanceBackend.InMemory, ConformanceBackend.PostgreSql)]
public abstract class OutboxConformanceTests : BackendSuite<OutboxBackend>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];
    private readonly Lazy<OutboxStore> _modelStore;

    protected OutboxConformanceTests() => _modelStore = new(() => Backend.CreateEnqueueOnlyInstance().Store);

    [Fact]
    public async Task A_committed_message_is_published_once_with_its_type_payload_key_headers_and_trace()
    {
        var publisher = new RecordingPublisher();
        var outbox = Backend.CreateInstance(publisher).Outbox;
        using var listener = TraceEverything();
        using var enqueuing = new Activity("place-order").SetIdFormat(ActivityIdFormat.W3C).Start();

        var message = Message(Key("order-1"), "placed") with { Headers = new Dictionary<string, string> { ["tenant"] = "eu" } };
        await outbox.EnqueueAsync(message);
        enqueuing.Stop();

        var published = await PublishedAsync(publisher, 1);
        await Task.Delay(300);
        var envelope = Assert.Single(publisher.Published);
        Assert.Equal((message.Id, "OrderEvent", Key("order-1"), 1), (envelope.Id, envelope.Type, envelope.PartitionKey, envelope.Attempt));
        Assert.Equal("placed", Encoding.UTF8.GetString(envelope.Payload.Span));
        Assert.Equal("eu", envelope.Headers["tenant"]);
        Assert.Equal(enqueuing.Id, envelope.Headers[OutboxMessages.TraceParentHeader]);
        Assert.True(envelope.EnqueuedAt > DateTimeOffset.UtcNow.AddMinutes(-1) && envelope.EnqueuedAt < DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Single(published);
    }

    [Fact]
    public async Task Messages_of_one_key_are_published_in_enqueue_order_by_three_dispatchers_each_once()
    {
        var log = new System.Collections.Concurrent.ConcurrentQueue<(string Publisher, OutboxEnvelope Envelope)>();
        RecordingPublisher[] publishers = [new("a") { Log = log }, new("b") { Log = log }, new("c") { Log = log }];
        var dispatchers = publishers.Select(publisher => Backend.CreateInstance(publisher, o => { o.BatchSize = 8; o.MaxMessagesPerKey = 5; })).ToArray();
        var writers = Enumerable.Range(0, 3).Select(_ => Backend.CreateEnqueueOnlyInstance().Outbox).ToArray();
        const int Keys = 12, PerKey = 40;

        // Each key is written by one task (its order is that task's order); the keys' tasks run side by side.
        await Task.WhenAll(Enumerable.Range(0, Keys).Select(k => Task.Run(async () =>
        {
            for (var n = 0; n < PerKey; n++)
            {
                await writers[(k + n) % writers.Length].EnqueueAsync(Message(Key($"k{k}"), n.ToString("D3")));
            }
        })));

        await Eventually.HoldsAsync(() => Task.FromResult(log.Count >= Keys * PerKey), Deadline, $"{Keys * PerKey} messages published");
        await Task.Delay(300);
        var published = log.Select(entry => entry.Envelope).ToList();
        Assert.Equal(Keys * PerKey, published.Count);
        Assert.Equal(Keys * PerKey, published.Select(envelope => envelope.Id).Distinct().Count());
        for (var k = 0; k < Keys; k++)
        {
            Assert.Equal(
                Enumerable.Range(0, PerKey).Select(n => n.ToString("D3")),
                published.Where(e => e.PartitionKey == Key($"k{k}")).Select(e => Encoding.UTF8.GetString(e.Payload.Span)));
        }

        Assert.Equal(0, (await dispatchers[0].Store.GetBacklogAsync(default)).PendingCount);
    }

    [Fact]
    public async Task A_failing_message_is_retried_with_its_attempt_number_and_then_published()
    {
        var failures = 2;
        var publisher = new RecordingPublisher { FailWhen = _ => Interlocked.Decrement(ref failures) >= 0 };
        await Backend.CreateInstance(publisher).Outbox.EnqueueAsync(Message(Key("a"), "1"));

        var envelope = Assert.Single(await PublishedAsync(publisher, 1));
        Assert.Equal(3, envelope.Attempt);
    }

    [Fact]
    public async Task A_poison_message_parks_only_its_key_until_it_is_redriven_and_then_the_key_resumes_in_order()
    {
        var poisoned = true;
        var publisher = new RecordingPublisher { FailWhen = envelope => poisoned && Encoding.UTF8.GetString(envelope.Payload.Span) == "poison" };
        var instance = Backend.CreateInstance(publisher, o => o.MaxAttempts = 3);
        await instance.Outbox.EnqueueAsync(Message(Key("parked"), "1"));
        var poison = Message(Key("parked"), "poison");
        await instance.Outbox.EnqueueAsync(poison);
        await instance.Outbox.EnqueueAsync(Message(Key("parked"), "3"));
        for (var n = 0; n < 5; n++)
        {
            await instance.Outbox.EnqueueAsync(Message(Key("flowing"), n.ToString()));
        }

        await Eventually.HoldsAsync(async () => (await instance.DeadLetters.ListAsync()).Count == 1, Deadline, "the poison message dead-lettered");
        await Eventually.HoldsAsync(() => Task.FromResult(publisher.PayloadsOf(Key("flowing")).Count == 5), Deadline, "the other key flowed");
        await instance.Outbox.EnqueueAsync(Message(Key("flowing"), "5"));
        await instance.Outbox.EnqueueAsync(Message(Key("parked"), "4"));
        await Eventually.HoldsAsync(() => Task.FromResult(publisher.PayloadsOf(Key("flowing")).Count == 6), Deadline, "the other key still flows");

        var deadLetter = Assert.Single(await instance.DeadLetters.ListAsync());
        Assert.Equal((poison.Id, 3), (deadLetter.Envelope.Id, deadLetter.Envelope.Attempt));
        Assert.Contains("refused OrderEvent", deadLetter.LastError, StringComparison.Ordinal);
        Assert.Equal(["1"], publisher.PayloadsOf(Key("parked")));
        var backlog = await instance.Store.GetBacklogAsync(default);
        Assert.Equal((3, 1), (backlog.PendingCount, backlog.DeadLetterCount));

        poisoned = false;
        Assert.True(await instance.DeadLetters.RedriveAsync(poison.Id));
        Assert.False(await instance.DeadLetters.RedriveAsync(poison.Id));
        await Eventually.HoldsAsync(() => Task.FromResult(publisher.PayloadsOf(Key("parked")).Count == 4), Deadline, "the parked key resumed");
        Assert.Equal(["1", "poison", "3", "4"], publisher.PayloadsOf(Key("parked")));
        Assert.Empty(await instance.DeadLetters.ListAsync());
    }

    [Fact]
    public async Task A_parked_key_with_a_deep_backlog_holds_back_no_other_key()
    {
        var publisher = new RecordingPublisher { FailWhen = envelope => envelope.PartitionKey == Key("parked") };
        var instance = Backend.CreateInstance(publisher, o => o.MaxAttempts = 1);
        await instance.Outbox.EnqueueAllAsync([.. Enumerable.Range(0, 1500).Select(n => Message(Key("parked"), n.ToString()))]);
        await Eventually.HoldsAsync(async () => (await instance.DeadLetters.ListAsync()).Count == 1, Deadline, "the parked key's head dead-lettered");

        await instance.Outbox.EnqueueAllAsync([Message(Key("other"), "1"), Message(Key("later"), "1")]);

        await Eventually.HoldsAsync(() => Task.FromResult(publisher.Log.Count == 2), Deadline, "the other keys published past 1,499 parked messages");
        Assert.Equal([Key("later"), Key("other")], publisher.Published.Select(envelope => envelope.PartitionKey).Order());
    }

    [Fact]
    public async Task Purging_a_dead_letter_resumes_its_key_with_the_next_message()
    {
        var publisher = new RecordingPublisher { FailWhen = envelope => Encoding.UTF8.GetString(envelope.Payload.Span) == "poison" };
        var instance = Backend.CreateInstance(publisher, o => o.MaxAttempts = 1);
        var poison = Message(Key("a"), "poison");
        await instance.Outbox.EnqueueAllAsync([poison, Message(Key("a"), "2")]);
        await Eventually.HoldsAsync(async () => (await instance.DeadLetters.ListAsync()).Count == 1, Deadline, "dead-lettered at the first failure");

        Assert.True(await instance.DeadLetters.PurgeAsync(poison.Id));

        await Eventually.HoldsAsync(() => Task.FromResult(publisher.PayloadsOf(Key("a")).Count == 1), Deadline, "the key resumed");
        Assert.Equal(["2"], publisher.PayloadsOf(Key("a")));
        Assert.False(await instance.DeadLetters.PurgeAsync(poison.Id));
    }

    [Fact]
    public async Task A_vanished_dispatchers_claim_is_published_by_another_after_its_lease()
    {
        var writer = Backend.CreateEnqueueOnlyInstance();
        await writer.Outbox.EnqueueAllAsync([Message(Key("a"), "1"), Message(Key("a"), "2")]);
        var claimed = await writer.Store.ClaimAsync(new OutboxClaim("vanished", 10, 10, TimeSpan.FromSeconds(2)), default);
        Assert.Equal(2, claimed.Count);
        var clock = Stopwatch.StartNew();

        var publisher = new RecordingPublisher();
        Backend.CreateInstance(publisher);
        await PublishedAsync(publisher, 2);

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), Deadline);
        Assert.Equal(["1", "2"], publisher.PayloadsOf(Key("a")));
    }

    [Fact]
    public async Task A_claim_takes_only_heads_of_keys_nobody_else_holds()
    {
        var instance = Backend.CreateEnqueueOnlyInstance();
        await instance.Outbox.EnqueueAllAsync([Message(Key("a"), "a1"), Message(Key("a"), "a2"), Message(Key("b"), "b1"), Message(Key("a"), "a3")]);
        var first = await instance.Store.ClaimAsync(new OutboxClaim("one", 1, 2, TimeSpan.FromMinutes(1)), default);
        var second = await instance.Store.ClaimAsync(new OutboxClaim("two", 10, 10, TimeSpan.FromMinutes(1)), default);
        var third = await instance.Store.ClaimAsync(new OutboxClaim("three", 10, 10, TimeSpan.FromMinutes(1)), default);

        Assert.Equal(["a1", "a2"], first.Select(Text));
        Assert.Equal(["b1"], second.Select(Text));
        Assert.Empty(third);

        await instance.Store.MarkPublishedAsync([first[0].Id], default);
        await instance.Store.ReleaseAsync("one", [first[1].Id], default);
        Assert.Equal(["a2", "a3"], (await instance.Store.ClaimAsync(new OutboxClaim("three", 10, 10, TimeSpan.FromMinutes(1)), default)).Select(Text));
    }

    [Property(MaxTest = 25)]
    public Property Random_claims_publications_failures_and_hand_backs_behave_like_the_model() =>
        Prop.ForAll(OutboxClaimModel.Steps, async steps =>
        {
            // The store of an instance whose dispatcher is off: the model is the only one claiming.
            var difference = await new OutboxClaimModel(_modelStore.Value, Guid.NewGuid().ToString("N")[..6] + "-").RunAsync(steps);
            Assert.True(difference is null, difference);
            return true;
        });

    [Fact]
    public async Task A_message_not_due_yet_waits_and_holds_back_its_key()
    {
        var publisher = new RecordingPublisher();
        var outbox = Backend.CreateInstance(publisher).Outbox;
        var notBefore = DateTimeOffset.UtcNow.AddSeconds(3);
        await outbox.EnqueueAsync(Message(Key("a"), "later") with { NotBefore = notBefore });
        await outbox.EnqueueAsync(Message(Key("a"), "after"));
        await outbox.EnqueueAsync(Message(Key("b"), "now"));

        await PublishedAsync(publisher, 1);
        Assert.Equal(["now"], publisher.Published.Select(Text));
        await PublishedAsync(publisher, 3);
        Assert.True(DateTimeOffset.UtcNow >= notBefore.AddMilliseconds(-50));
        Assert.Equal(["later", "after"], publisher.PayloadsOf(Key("a")));
    }

    [Fact]
    public async Task Retention_deletes_published_messages_in_batches_and_the_backlog_counts_what_waits()
    {
        var writer = Backend.CreateEnqueueOnlyInstance();
        await writer.Outbox.EnqueueAllAsync([.. Enumerable.Range(0, 5).Select(n => Message(Key("a"), n.ToString()))]);
        await Task.Delay(200);
        var backlog = await writer.Store.GetBacklogAsync(default);
        Assert.Equal((5, 0), (backlog.PendingCount, backlog.DeadLetterCount));
        Assert.InRange(backlog.OldestPendingAge, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));

        var claimed = await writer.Store.ClaimAsync(new OutboxClaim("d", 10, 10, TimeSpan.FromMinutes(1)), default);
        await writer.Store.MarkPublishedAsync([.. claimed.Select(envelope => envelope.Id)], default);
        Assert.Equal(0, (await writer.Store.GetBacklogAsync(default)).PendingCount);
        Assert.Equal(0, await writer.Store.DeletePublishedAsync(TimeSpan.FromMinutes(1), 10, default));
        await Task.Delay(200);

        Assert.Equal(2, await writer.Store.DeletePublishedAsync(TimeSpan.FromMilliseconds(100), 2, default));
        Assert.Equal(3, await writer.Store.DeletePublishedAsync(TimeSpan.FromMilliseconds(100), 10, default));
        Assert.Equal(0, await writer.Store.DeletePublishedAsync(TimeSpan.Zero, 10, default));
    }

    [Fact]
    public async Task Invalid_messages_are_refused_when_enqueued_never_at_dispatch()
    {
        var outbox = Backend.CreateInstance(new RecordingPublisher(), o => o.MaxPayloadBytes = 16).Outbox;

        Assert.Equal("message", (await Assert.ThrowsAsync<ArgumentException>(async () => await outbox.EnqueueAsync(new OutboxMessage("t", new byte[17])))).ParamName);
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await outbox.EnqueueAsync((OutboxMessage)null!));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await outbox.EnqueueAllAsync([]));
        var twice = Message(Key("a"), "x");
        await Assert.ThrowsAsync<ArgumentException>(async () => await outbox.EnqueueAllAsync([twice, twice]));
        await Assert.ThrowsAsync<ArgumentException>(async () => await outbox.EnqueueAsync(Message(Key("a"), "x") with { Id = Guid.Empty }));
        await Assert.ThrowsAsync<ArgumentException>(async () => await outbox.EnqueueAsync(Message("bad\nkey", "x")));
        await Assert.ThrowsAsync<ArgumentException>(async () => await outbox.EnqueueAsync(
            Message(Key("a"), "x") with { Headers = new Dictionary<string, string> { [""] = "v" } }));
        Assert.Throws<ArgumentException>(() => new OutboxMessage(" ", default));
        Assert.Throws<ArgumentNullException>(() => OutboxMessage.Create<string>(null!));
        Assert.Equal(0, (await Backend.CreateEnqueueOnlyInstance().Store.GetBacklogAsync(default)).PendingCount);
    }

    [Fact]
    public async Task Dead_letter_calls_check_their_arguments()
    {
        var deadLetters = Backend.CreateInstance(new RecordingPublisher()).DeadLetters;

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await deadLetters.ListAsync(0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await deadLetters.ListAsync(1001));
        Assert.Equal("messageId", (await Assert.ThrowsAsync<ArgumentException>(async () => await deadLetters.RedriveAsync(Guid.Empty))).ParamName);
        Assert.Equal("messageId", (await Assert.ThrowsAsync<ArgumentException>(async () => await deadLetters.PurgeAsync(Guid.Empty))).ParamName);
    }

    /// <summary>A key unique to this test (PostgreSQL backends share a database across a class's tests).</summary>
    protected string Key(string name) => $"{name}-{_id}";

    protected static OutboxMessage Message(string key, string payload) =>
        new("OrderEvent", Encoding.UTF8.GetBytes(payload)) { PartitionKey = key };

    protected static string Text(OutboxEnvelope envelope) => Encoding.UTF8.GetString(envelope.Payload.Span);

    protected static async Task<IReadOnlyList<OutboxEnvelope>> PublishedAsync(RecordingPublisher publisher, int count)
    {
        await Eventually.HoldsAsync(() => Task.FromResult(publisher.Log.Count >= count), Deadline, $"{count} messages published");
        return publisher.Published;
    }

    private static ActivityListener TraceEverything()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
