using CommerceKit.ConformanceTests.Coverage;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Outbox;

namespace CommerceKit.ConformanceTests.Outbox;

/// <summary>What every inbox backend must do: run a consumer's handler once per message id, record it only on success.</summary>
[ConformanceSuite("Inbox", ConformanceBackend.InMemory, ConformanceBackend.PostgreSql)]
public abstract class InboxConformanceTests : BackendSuite<InboxBackend>
{
    private readonly string _consumer = "billing-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_redelivered_message_is_a_no_op_for_the_consumer_that_processed_it()
    {
        var inbox = Backend.CreateInbox();
        var id = Guid.CreateVersion7();
        var runs = 0;

        Assert.True(await inbox.ProcessOnceAsync(_consumer, id, _ => { runs++; return ValueTask.CompletedTask; }));
        Assert.False(await Backend.CreateInbox().ProcessOnceAsync(_consumer, id, _ => { runs++; return ValueTask.CompletedTask; }));
        Assert.True(await inbox.ProcessOnceAsync(_consumer + "-other", id, _ => { runs++; return ValueTask.CompletedTask; }));

        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task A_failed_handler_records_nothing_so_the_redelivery_runs_it()
    {
        var inbox = Backend.CreateInbox();
        var id = Guid.CreateVersion7();

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await inbox.ProcessOnceAsync(_consumer, id, _ => throw new InvalidOperationException("handler failed")));

        var ran = false;
        Assert.True(await inbox.ProcessOnceAsync(_consumer, id, _ => { ran = true; return ValueTask.CompletedTask; }));
        Assert.True(ran);
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_message_across_instances_run_the_handler_once()
    {
        IInbox[] inboxes = [Backend.CreateInbox(), Backend.CreateInbox(), Backend.CreateInbox()];
        var ids = Enumerable.Range(0, 10).Select(_ => Guid.CreateVersion7()).ToArray();
        var runs = new int[ids.Length];

        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(n => Task.Run(async () =>
            await inboxes[n % inboxes.Length].ProcessOnceAsync(_consumer, ids[n % ids.Length], async token =>
            {
                Interlocked.Increment(ref runs[n % ids.Length]);
                await Task.Delay(20, token);
            }))));

        Assert.All(runs, count => Assert.Equal(1, count));
        Assert.Equal(ids.Length, answers.Count(ran => ran));
    }

    [Fact]
    public async Task Records_older_than_the_retention_are_deleted_and_the_message_runs_again()
    {
        var inbox = Backend.CreateInbox(o =>
        {
            o.Retention = TimeSpan.FromSeconds(1);
            o.MaintenanceInterval = TimeSpan.FromMilliseconds(100);
        });
        var id = Guid.CreateVersion7();
        await inbox.ProcessOnceAsync(_consumer, id, _ => ValueTask.CompletedTask);

        await Eventually.HoldsAsync(
            async () => await inbox.ProcessOnceAsync(_consumer, id, _ => ValueTask.CompletedTask),
            TimeSpan.FromSeconds(20),
            "the record was deleted after its retention");
    }

    [Fact]
    public async Task Invalid_arguments_are_refused()
    {
        var inbox = Backend.CreateInbox();

        Assert.Equal("consumer", (await Assert.ThrowsAsync<ArgumentException>(async () =>
            await inbox.ProcessOnceAsync(" ", Guid.CreateVersion7(), _ => ValueTask.CompletedTask))).ParamName);
        Assert.Equal("messageId", (await Assert.ThrowsAsync<ArgumentException>(async () =>
            await inbox.ProcessOnceAsync(_consumer, Guid.Empty, _ => ValueTask.CompletedTask))).ParamName);
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await inbox.ProcessOnceAsync(_consumer, Guid.CreateVersion7(), null!));
    }
}
