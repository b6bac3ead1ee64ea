using System.Diagnostics.Metrics;
using CommerceKit.Caching;
using CommerceKit.Caching.Engine;
using Microsoft.Extensions.Options;

namespace CommerceKit.Tests.Caching;

/// <summary>Reads are counted as hits, misses or stale, and factory calls by outcome; only this test's async flow is counted.</summary>
public sealed class CachingTelemetryTests : IDisposable
{
    private static readonly AsyncLocal<bool> s_mine = new();

    private readonly MeterListener _meters = new();
    private readonly List<string> _measured = [];

    public CachingTelemetryTests()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name is "commercekit.cache.requests" or "commercekit.cache.factory_calls")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            if (s_mine.Value)
            {
                lock (_measured)
                {
                    _measured.Add($"{instrument.Name.Split('.')[^1]}:{tags.ToArray().Single().Value}");
                }
            }
        });
        _meters.Start();
    }

    [Fact]
    public async Task Hits_misses_stale_reads_and_factory_calls_are_counted()
    {
        s_mine.Value = true;
        using var cache = new CacheAside(Options.Create(new CachingOptions()), TimeProvider.System);
        var failSafe = new CacheEntryOptions { Duration = TimeSpan.FromMilliseconds(50), FailSafeMaxDuration = TimeSpan.FromHours(1) };

        await cache.GetOrCreateAsync("k", (_, _) => ValueTask.FromResult(1), failSafe);
        await cache.GetOrCreateAsync("k", (_, _) => ValueTask.FromResult(2), failSafe);
        await Task.Delay(TimeSpan.FromMilliseconds(100));
        await cache.GetOrCreateAsync<int>("k", (_, _) => throw new InvalidOperationException("down"), failSafe);

        Assert.Equal(["factory_calls:success", "requests:miss", "requests:hit", "factory_calls:failure", "requests:stale"], _measured);
    }

    public void Dispose() => _meters.Dispose();
}
