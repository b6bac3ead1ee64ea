using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CommerceKit.Outbox.Engine;

/// <summary>The outbox's traces and metrics, published under <see cref="CommerceKitDiagnostics"/> names.</summary>
internal static class OutboxTelemetry
{
    public const string TypeTag = "commercekit.outbox.type";

    public static readonly ActivitySource Source = new(CommerceKitDiagnostics.ActivitySourceName);

    private static readonly Meter Meter = new(CommerceKitDiagnostics.MeterName);

    // The last backlog each running dispatcher read, by backend: observed by the gauges without a query of their own.
    private static readonly ConcurrentDictionary<object, (string Backend, OutboxBacklog Backlog)> Backlogs = new();

    public static readonly Counter<long> Enqueued = Meter.CreateCounter<long>(
        "commercekit.outbox.enqueued", "{message}", "Messages enqueued through IOutbox (not those enqueued in a caller's transaction), by backend.");

    public static readonly Counter<long> Published = Meter.CreateCounter<long>(
        "commercekit.outbox.published", "{message}", "Messages published, by backend and type.");

    public static readonly Counter<long> Retried = Meter.CreateCounter<long>(
        "commercekit.outbox.retried", "{message}", "Failed publish attempts scheduled to be tried again, by backend and type.");

    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>(
        "commercekit.outbox.dead_lettered", "{message}", "Messages dead-lettered after their last attempt, by backend and type.");

    public static readonly Histogram<double> PublishLag = Meter.CreateHistogram<double>(
        "commercekit.outbox.publish.lag", "s", "From a message's commit to its publication, by backend.");

    static OutboxTelemetry()
    {
        Meter.CreateObservableGauge(
            "commercekit.outbox.pending",
            () => Backlogs.Values.Select(b => new Measurement<long>(b.Backlog.PendingCount, Tag(b.Backend))),
            "{message}",
            "Messages not yet published (dead letters included), as the dispatcher last counted them.");
        Meter.CreateObservableGauge(
            "commercekit.outbox.dead_letters",
            () => Backlogs.Values.Select(b => new Measurement<long>(b.Backlog.DeadLetterCount, Tag(b.Backend))),
            "{message}",
            "Dead letters waiting to be re-driven or purged, as the dispatcher last counted them.");
        Meter.CreateObservableGauge(
            "commercekit.outbox.oldest_pending.age",
            () => Backlogs.Values.Select(b => new Measurement<double>(b.Backlog.OldestPendingAge.TotalSeconds, Tag(b.Backend))),
            "s",
            "How long the oldest unpublished message has waited, as the dispatcher last measured it.");
    }

    public static void ReportBacklog(object dispatcher, string backend, OutboxBacklog backlog) => Backlogs[dispatcher] = (backend, backlog);

    public static void ForgetBacklog(object dispatcher) => Backlogs.TryRemove(dispatcher, out _);

    public static void Count(Counter<long> counter, string backend, string type, long count = 1)
    {
        if (counter.Enabled)
        {
            counter.Add(count, Tag(backend), new(TypeTag, type));
        }
    }

    private static KeyValuePair<string, object?> Tag(string backend) => new(CommerceKitDiagnostics.BackendTagName, backend);
}
