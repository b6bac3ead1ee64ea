using System.Diagnostics.Metrics;

namespace CommerceKit.Caching.Engine;

/// <summary>The cache's metrics, published under <see cref="CommerceKitDiagnostics"/> names.</summary>
internal static class CachingTelemetry
{
    public const string OutcomeTag = "commercekit.cache.outcome";

    private static readonly Meter Meter = new(CommerceKitDiagnostics.MeterName);

    public static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "commercekit.cache.requests", "{request}", "Cache reads, by outcome: hit, stale (served after a failure or timeout) or miss.");

    public static readonly Counter<long> FactoryCalls = Meter.CreateCounter<long>(
        "commercekit.cache.factory_calls", "{call}", "Factory calls, by outcome: success or failure.");

    public static readonly Counter<long> SecondLevelReads = Meter.CreateCounter<long>(
        "commercekit.cache.l2.requests", "{request}", "Second-level calls of loads and reads, by outcome: found, leased (this instance loads), waited (another instance loaded), missing or unavailable.");

    public static void Record(string outcome)
    {
        if (Requests.Enabled)
        {
            Requests.Add(1, new KeyValuePair<string, object?>(OutcomeTag, outcome));
        }
    }

    public static void RecordFactory(bool succeeded)
    {
        if (FactoryCalls.Enabled)
        {
            FactoryCalls.Add(1, new KeyValuePair<string, object?>(OutcomeTag, succeeded ? "success" : "failure"));
        }
    }

    public static void RecordSecondLevel(string outcome)
    {
        if (SecondLevelReads.Enabled)
        {
            SecondLevelReads.Add(1, new KeyValuePair<string, object?>(OutcomeTag, outcome));
        }
    }
}
