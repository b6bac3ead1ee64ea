using System.Collections.Concurrent;
using System.Diagnostics;

namespace CommerceKit.ReferenceShop.Admin;

/// <summary>
/// Where the time goes: the count and total duration of the libraries' own spans in this process, by span name (saga
/// steps by step). On with <c>Shop:SpanTimings</c> (the demo and the system benchmark turn it on); listening to every
/// span costs an allocation per span, so it is off by default.
/// </summary>
internal sealed class SpanTimings : IDisposable
{
    private readonly ConcurrentDictionary<string, Timing> _timings = new(StringComparer.Ordinal);
    private readonly ActivityListener? _listener;
    private long _countingSinceTicks;

    public SpanTimings(IConfiguration configuration)
    {
        if (!configuration.GetValue("Shop:SpanTimings", false))
        {
            return;
        }

        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CommerceKitDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public bool IsEnabled => _listener is not null;

    /// <summary>Every span name seen, with how many ended and their total milliseconds.</summary>
    public IReadOnlyDictionary<string, SpanTiming> Snapshot() =>
        _timings.ToDictionary(entry => entry.Key, entry => entry.Value.Read(), StringComparer.Ordinal);

    /// <summary>
    /// Starts counting afresh (after a warm-up): only spans that start from now on count. A span that began before
    /// may still end after (a saga's run span closes just after its caller got the answer).
    /// </summary>
    public void Reset()
    {
        // The system clock, not TimeProvider: it is the clock Activity.StartTimeUtc is read from.
        Interlocked.Exchange(ref _countingSinceTicks, DateTime.UtcNow.Ticks);
        _timings.Clear();
    }

    public void Dispose() => _listener?.Dispose();

    private void Record(Activity activity)
    {
        if (activity.StartTimeUtc.Ticks < Interlocked.Read(ref _countingSinceTicks))
        {
            return;
        }

        var name = activity.OperationName;
        if (activity.GetTagItem("commercekit.saga.step") is string step)
        {
            name = activity.GetTagItem("commercekit.saga.compensation") is true ? $"{name}:{step}:compensate" : $"{name}:{step}";
        }

        _timings.GetOrAdd(name, _ => new Timing()).Add(activity.Duration);
    }

    private sealed class Timing
    {
        private long _count;
        private long _ticks;

        public void Add(TimeSpan duration)
        {
            Interlocked.Increment(ref _count);
            Interlocked.Add(ref _ticks, duration.Ticks);
        }

        public SpanTiming Read() => new(Interlocked.Read(ref _count), TimeSpan.FromTicks(Interlocked.Read(ref _ticks)).TotalMilliseconds);
    }
}

/// <summary>How many spans of one name ended, and their total duration.</summary>
internal sealed record SpanTiming(long Count, double TotalMilliseconds);
