using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CommerceKit.RateLimiting.Engine;

/// <summary>The rate limiter's metrics, published under <see cref="CommerceKitDiagnostics"/> names.</summary>
internal static class RateLimitTelemetry
{
    public const string OutcomeTag = "commercekit.ratelimit.outcome";

    // Indexed by DecisionOutcome.
    private static readonly string[] OutcomeNames = ["granted", "rejected", "queue_full", "failed_open", "failed_closed"];

    public static readonly ActivitySource Source = new(CommerceKitDiagnostics.ActivitySourceName);

    private static readonly Meter Meter = new(CommerceKitDiagnostics.MeterName);

    public static readonly Histogram<double> RemoteDecisionDuration = Meter.CreateHistogram<double>(
        "commercekit.ratelimit.decision.duration", "s", "How long a decision of a remote backend took, queueing included, by outcome.");

    public static readonly Counter<long> Decisions = Meter.CreateCounter<long>(
        "commercekit.ratelimit.decisions", "{decision}", "Rate-limit decisions, by backend and outcome.");

    /// <summary>Tags the activity of a remote decision and records its duration.</summary>
    public static void RecordRemote(Activity? activity, string backend, bool granted, TimeSpan duration)
    {
        var outcome = granted ? "granted" : "rejected";
        activity?.SetTag(CommerceKitDiagnostics.BackendTagName, backend).SetTag(OutcomeTag, outcome);
        if (RemoteDecisionDuration.Enabled)
        {
            RemoteDecisionDuration.Record(duration.TotalSeconds, new(CommerceKitDiagnostics.BackendTagName, backend), new(OutcomeTag, outcome));
        }
    }

    public static DecisionOutcome Outcome(RateLimitDecision decision) => decision.IsGranted ? DecisionOutcome.Granted : DecisionOutcome.Rejected;

    public static void Record(string backend, DecisionOutcome outcome)
    {
        if (Decisions.Enabled)
        {
            Decisions.Add(1, new(CommerceKitDiagnostics.BackendTagName, backend), new(OutcomeTag, OutcomeNames[(int)outcome]));
        }
    }
}

/// <summary>How a decision came about, for telemetry and the lease's reason.</summary>
internal enum DecisionOutcome
{
    Granted,
    Rejected,
    QueueFull,
    FailedOpen,
    FailedClosed,
}
