using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CommerceKit.Locking.Engine;

/// <summary>The lock's traces and metrics, published under <see cref="CommerceKitDiagnostics"/> names.</summary>
internal static class LockTelemetry
{
    public const string LockNameTag = "commercekit.lock.name";
    public const string OutcomeTag = "commercekit.lock.outcome";
    public const string ReasonTag = "commercekit.lock.lost_reason";
    public const string FencingTokenTag = "commercekit.lock.fencing_token";

    public static readonly ActivitySource Source = new(CommerceKitDiagnostics.ActivitySourceName);

    private static readonly Meter Meter = new(CommerceKitDiagnostics.MeterName);

    public static readonly Histogram<double> AcquireDuration = Meter.CreateHistogram<double>(
        "commercekit.lock.acquire.duration", "s", "How long acquiring a lock took, waiting included, by outcome.");

    public static readonly UpDownCounter<long> Held = Meter.CreateUpDownCounter<long>(
        "commercekit.lock.held", "{lease}", "Leases this process holds now.");

    public static readonly Counter<long> Lost = Meter.CreateCounter<long>(
        "commercekit.lock.lost", "{lease}", "Leases this process lost before releasing them, by reason.");
}
