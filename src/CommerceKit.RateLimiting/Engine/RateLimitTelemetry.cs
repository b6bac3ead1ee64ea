using System.Diagnostics.Metrics;

namespace CommerceKit.RateLimiting.Engine;

/// <summary>The rate limiter's metrics, published under <see cref="CommerceKitDiagnostics"/> names.</summary>
internal static class RateLimitTelemetry
{
    public const string OutcomeTag = "commercekit.ratelimit.outcome";
    public const string Granted = "granted";
    public const string Rejected = "rejected";
    public const string QueueFull = "queue_full";
    public const string FailedOpen = "failed_open";
    public const string FailedClosed = "failed_closed";

    private static readonly Meter Meter = new(CommerceKitDiagnostics.MeterName);

    public static readonly Counter<long> Decisions = Meter.CreateCounter<long>(
        "commercekit.ratelimit.decisions", "{decision}", "Rate-limit decisions, by backend and outcome.");

    public static string Outcome(RateLimitDecision decision) => decision.IsGranted ? Granted : Rejected;

    public static void Record(string backend, string outcome)
    {
        if (Decisions.Enabled)
        {
            Decisions.Add(1, new(CommerceKitDiagnostics.BackendTagName, backend), new(OutcomeTag, outcome));
        }
    }
}
