using System.Collections.Concurrent;
using CommerceKit.Outbox;

namespace CommerceKit.ConformanceTests.Outbox;

/// <summary>A transport that records what it is given, and fails the messages <see cref="FailWhen"/> picks.</summary>
public sealed class RecordingPublisher(string name = "publisher") : IOutboxPublisher
{
    /// <summary>Throws for the messages it returns <see langword="true"/> for.</summary>
    public Func<OutboxEnvelope, bool> FailWhen { get; set; } = _ => false;

    public string Name => name;

    public ConcurrentQueue<(string Publisher, OutboxEnvelope Envelope)> Log { get; init; } = new();

    public IReadOnlyList<OutboxEnvelope> Published => [.. Log.Select(entry => entry.Envelope)];

    public ValueTask PublishAsync(OutboxEnvelope envelope, CancellationToken cancellationToken)
    {
        if (FailWhen(envelope))
        {
            throw new InvalidOperationException($"refused {envelope.Type}");
        }

        Log.Enqueue((name, envelope));
        return ValueTask.CompletedTask;
    }

    /// <summary>The published payloads (UTF-8 text) of <paramref name="key"/>, in publication order.</summary>
    public IReadOnlyList<string> PayloadsOf(string key) =>
        [.. Published.Where(envelope => envelope.PartitionKey == key).Select(envelope => System.Text.Encoding.UTF8.GetString(envelope.Payload.Span))];
}
