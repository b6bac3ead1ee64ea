using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CommerceKit.Notifications.Engine;

/// <summary>The notifications' traces and metrics, published under <see cref="CommerceKitDiagnostics"/> names.</summary>
internal static class NotificationTelemetry
{
    public const string CategoryTag = "commercekit.notification.category";
    public const string ProviderTag = "commercekit.notification.provider";
    public const string OutcomeTag = "commercekit.notification.outcome";

    public static readonly ActivitySource Source = new(CommerceKitDiagnostics.ActivitySourceName);

    private static readonly Meter Meter = new(CommerceKitDiagnostics.MeterName);

    // The pending counts each running sender last read, by backend and category.
    private static readonly ConcurrentDictionary<(object Sender, NotificationCategory Category), (string Backend, long Pending)> Pending = new();

    public static readonly Histogram<double> SendLatency = Meter.CreateHistogram<double>(
        "commercekit.notification.send.latency", "s", "From a notification being due to a provider accepting it, by backend and category.");

    public static readonly Counter<long> Attempts = Meter.CreateCounter<long>(
        "commercekit.notification.attempts", "{attempt}", "Provider calls, by provider and outcome (sent, transient, final).");

    public static readonly Counter<long> Failovers = Meter.CreateCounter<long>(
        "commercekit.notification.failovers", "{failover}", "Notifications passed from a failing provider to the next one (or the next channel), by provider.");

    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>(
        "commercekit.notification.dead_lettered", "{notification}", "Notifications no provider could send, by backend and category.");

    static NotificationTelemetry()
    {
        Meter.CreateObservableGauge(
            "commercekit.notification.queue.depth",
            () => Pending.Select(entry => new Measurement<long>(
                entry.Value.Pending, new(CommerceKitDiagnostics.BackendTagName, entry.Value.Backend), new(CategoryTag, entry.Key.Category.ToString()))),
            "{notification}",
            "Pending notifications (due or held), by backend and category, as the sender last counted them.");
    }

    public static void ReportPending(object sender, string backend, NotificationCategory category, long pending) => Pending[(sender, category)] = (backend, pending);

    public static void Forget(object sender)
    {
        foreach (var key in Pending.Keys.Where(key => key.Sender == sender))
        {
            Pending.TryRemove(key, out _);
        }
    }

    public static void CountAttempt(string provider, ProviderOutcome outcome)
    {
        if (Attempts.Enabled)
        {
            Attempts.Add(1, new(ProviderTag, provider), new(OutcomeTag, outcome.ToString()));
        }
    }

    public static void CountFailover(string provider)
    {
        if (Failovers.Enabled)
        {
            Failovers.Add(1, new KeyValuePair<string, object?>(ProviderTag, provider));
        }
    }
}
