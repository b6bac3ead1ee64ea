using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CommerceKit.Idempotency.Engine;

/// <summary>The idempotency executor's traces and metrics, published under <see cref="CommerceKitDiagnostics"/> names.</summary>
internal static class IdempotencyTelemetry
{
    public const string OutcomeTag = "commercekit.idempotency.outcome";

    public static readonly ActivitySource Source = new(CommerceKitDiagnostics.ActivitySourceName);

    private static readonly Meter Meter = new(CommerceKitDiagnostics.MeterName);

    public static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "commercekit.idempotency.requests", "{request}", "Idempotent requests, by backend and outcome.");

    /// <summary>Counts one request and tags its activity.</summary>
    public static void Record(Activity? activity, string backend, string outcome)
    {
        activity?.SetTag(OutcomeTag, outcome);
        if (Requests.Enabled)
        {
            Requests.Add(1, new(CommerceKitDiagnostics.BackendTagName, backend), new(OutcomeTag, outcome));
        }
    }
}

/// <summary>The values of <see cref="IdempotencyTelemetry.OutcomeTag"/>.</summary>
internal static class IdempotencyOutcomes
{
    public const string Executed = "executed";
    public const string Replayed = "replayed";
    public const string InProgress = "in_progress";
    public const string FingerprintMismatch = "fingerprint_mismatch";
    public const string Released = "released";
    public const string LeaseLost = "lease_lost";
    public const string NotStored = "not_stored";
}
