using System.Threading.RateLimiting;
using CommerceKit.RateLimiting;
using CommerceKit.RateLimiting.InMemory;
using Microsoft.Extensions.Time.Testing;

namespace CommerceKit.Tests.RateLimiting;

/// <summary>
/// The in-memory token bucket grants on a copy of the clock that lags (TickingClock). A lag must never turn a
/// grant into a rejection, and may admit at most the lag's worth of refill early.
/// </summary>
public sealed class LaggingClockTests
{
    // Five permits, one back every second.
    private static readonly TokenBucketPolicy FivePerFiveSeconds = new(5, TimeSpan.FromSeconds(5));

    private readonly FakeTimeProvider _time = new();
    private long _recent;

    public LaggingClockTests() => _recent = Now;

    private long Now => _time.GetTimestamp() / 10;

    [Fact]
    public void A_lagging_clock_never_rejects_what_the_clock_admits_and_retry_after_is_exact()
    {
        using var limiter = CreateLimiter();
        using var all = limiter.AttemptAcquire(5);

        // The copy stays where it was; two permits have come back since.
        _time.Advance(TimeSpan.FromSeconds(2));
        using var two = limiter.AttemptAcquire(2);
        using var rejected = limiter.AttemptAcquire(1);

        Assert.True(all.IsAcquired);
        Assert.True(two.IsAcquired);
        Assert.False(rejected.IsAcquired);
        Assert.True(rejected.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);
    }

    [Fact]
    public void After_an_idle_spell_a_lagging_clock_admits_at_most_its_lag_of_refill_early()
    {
        using var limiter = CreateLimiter();
        _time.Advance(TimeSpan.FromSeconds(100));
        _recent = Now - (long)TimeSpan.FromSeconds(3).TotalMicroseconds;

        var granted = 0;
        while (granted < 100)
        {
            using var lease = limiter.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                break;
            }

            granted++;
        }

        // The full bucket, plus three seconds of refill at one permit a second.
        Assert.InRange(granted, 5, 5 + 3);
    }

    private RateLimiter CreateLimiter() =>
        new RateLimiterProvider(new InMemoryRateLimitStore(_time, () => _recent), _time).CreateLimiter("lag", FivePerFiveSeconds);
}
