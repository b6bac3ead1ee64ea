using System.Text;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Outbox;
using CommerceKit.Outbox;
using CommerceKit.TestServers;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.PostgreSql.Tests.Outbox;

/// <summary>Starts its own postgres, because it kills it: dispatch resumes by itself and nothing is lost.</summary>
public sealed class PostgreSqlOutboxOutageTests
{
    [Fact]
    public async Task With_postgres_restarted_mid_dispatch_dispatch_resumes_by_itself_and_every_message_is_published_in_order()
    {
        const int Keys = 10, PerKey = 60;
        await using var server = await PostgreSqlServer.StartAsync();
        var slow = new SemaphoreSlim(0);
        var publisher = new SlowPublisher(slow);
        await using var services = new ServiceCollection().AddLogging().AddCommerceKit()
            .AddPostgreSql(o =>
            {
                o.ConnectionString = server.ConnectionString;
                o.RetryAttempts = 0;
            })
            .AddOutbox(outbox => outbox.UsePostgreSql().Configure(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(200);
                o.Lease = TimeSpan.FromSeconds(2);
            }))
            .Services.AddSingleton<IOutboxPublisher>(publisher).BuildServiceProvider();
        var outbox = services.GetRequiredService<IOutbox>();
        await outbox.EnqueueAllAsync([.. Enumerable.Range(0, PerKey / 2).SelectMany(n => Enumerable.Range(0, Keys).Select(k => Message(k, n)))]);
        slow.Release(100);
        await Eventually.HoldsAsync(() => Task.FromResult(publisher.Recorded.Log.Count >= 100), TimeSpan.FromSeconds(30), "dispatching");

        server.Kill();
        slow.Release(int.MaxValue / 2);
        await Assert.ThrowsAsync<BackendUnavailableException>(async () => await outbox.EnqueueAsync(Message(0, PerKey / 2)));
        await server.RestartAsync();
        await Eventually.BackendServesAsync(
            async () => await outbox.EnqueueAllAsync([.. Enumerable.Range(PerKey / 2, PerKey / 2).SelectMany(n => Enumerable.Range(0, Keys).Select(k => Message(k, n)))]),
            TimeSpan.FromSeconds(30));

        await Eventually.HoldsAsync(
            () => Task.FromResult(publisher.Recorded.Published.Select(e => e.Id).Distinct().Count() == Keys * PerKey),
            TimeSpan.FromSeconds(60),
            "every message published after the restart");
        for (var k = 0; k < Keys; k++)
        {
            Assert.Equal(
                Enumerable.Range(0, PerKey).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                publisher.Recorded.Published.Where(e => e.PartitionKey == $"key-{k}").DistinctBy(e => e.Id).Select(e => Encoding.UTF8.GetString(e.Payload.Span)));
        }
    }

    private static OutboxMessage Message(int key, int sequence) =>
        new("OrderEvent", Encoding.UTF8.GetBytes(sequence.ToString(System.Globalization.CultureInfo.InvariantCulture))) { PartitionKey = $"key-{key}" };

    /// <summary>Publishes only as fast as the test lets it, so that the kill lands mid-dispatch.</summary>
    private sealed class SlowPublisher(SemaphoreSlim permits) : IOutboxPublisher
    {
        public RecordingPublisher Recorded { get; } = new();

        public async ValueTask PublishAsync(OutboxEnvelope envelope, CancellationToken cancellationToken)
        {
            await permits.WaitAsync(cancellationToken);
            await Recorded.PublishAsync(envelope, cancellationToken);
        }
    }
}
