using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CommerceKit.ReferenceShop.Admin;

/// <summary>
/// Sums the libraries' own counters in this process (cache reads by outcome, factory calls, rate-limit decisions), so
/// <c>GET /admin/stats</c> reports what the libraries measured rather than counters of the shop's own.
/// </summary>
internal sealed class ShopMetrics : IDisposable
{
    private static readonly string[] OutcomeTags = ["commercekit.cache.outcome", "commercekit.ratelimit.outcome", "commercekit.notification.outcome"];

    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly MeterListener _listener = new();

    public ShopMetrics()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CommerceKitDiagnostics.MeterName && instrument is Counter<long>)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var outcome = "";
            foreach (var tag in tags)
            {
                if (OutcomeTags.Contains(tag.Key))
                {
                    outcome = tag.Value as string ?? "";
                }
            }

            _counts.AddOrUpdate($"{instrument.Name}:{outcome}", value, (_, total) => total + value);
        });
        _listener.Start();
    }

    /// <summary>The sum of <paramref name="instrument"/>'s measurements with that outcome (any outcome when null).</summary>
    public long Count(string instrument, string? outcome = null) =>
        _counts.Where(entry => outcome is null ? entry.Key.StartsWith(instrument + ":", StringComparison.Ordinal) : entry.Key == $"{instrument}:{outcome}")
            .Sum(entry => entry.Value);

    public void Dispose() => _listener.Dispose();
}
