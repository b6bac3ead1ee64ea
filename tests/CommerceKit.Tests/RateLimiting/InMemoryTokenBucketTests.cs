using System.Threading.RateLimiting;
using CommerceKit.RateLimiting;
using CommerceKit.RateLimiting.InMemory;
using Microsoft.Extensions.Time.Testing;

namespace CommerceKit.Tests.RateLimiting;

/// <summary>
/// The in-memory token bucket's fast grants (docs/rate-limiting.md, guarantees): one shared lease whose metadata is
/// the bucket as it is when read, and a copy of the clock that lags (TickingClock). A lag must never turn a grant
/// into a rejection, and may admit at most the lag's worth of refill early.
/// </summary>
public sealed class InMemoryTokenBucketTests
{
    // Five permits, one back every second.
    private static readonly TokenBucketPolicy FivePerFiveSeconds = new(5, TimeSpan.FromSeconds(5));

    private readonly FakeTimeProvider _time = new();
    private long _recent;

    public InMemoryTokenBucketTests() => _recent = Now;

    private long Now => _time.GetTimestamp() / 10;

    [Fact]
    public void A_granted_lease_reports_the_bucket_as_it_is_when_read()
    {
        using var limiter = CreateLimiter();

        using var first = limiter.AttemptAcquire(2);
        Assert.Equal(3, Remaining(first));
        Assert.Equal(TimeSpan.FromSeconds(2), Reset(first));

        using var second = limiter.AttemptAcquire(1);
        Assert.Equal(2, Remaining(second));
        Assert.Equal(2, Remaining(first));

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(3, Remaining(first));
        Assert.Equal(TimeSpan.FromSeconds(2), Reset(first));
        Assert.True(first.TryGetMetadata(RateLimitMetadata.Limit, out var limit));
        Assert.Equal(5, limit);
    }

    [Fact]
    public void Statistics_show_the_permits_available_now()
    {
        using var limiter = CreateLimiter();
        for (var i = 0; i < 3; i++)
        {
            using var lease = limiter.AttemptAcquire();
            Assert.True(lease.IsAcquired);
        }

        Assert.Equal(2, limiter.GetStatistics()!.CurrentAvailablePermits);
        Assert.Equal(3, limiter.GetStatistics()!.TotalSuccessfulLeases);

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(5, limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public void A_rejection_still_carries_its_own_retry_after()
    {
        using var limiter = CreateLimiter();
        using var all = limiter.AttemptAcquire(5);

        using var rejected = limiter.AttemptAcquire(2);

        Assert.False(rejected.IsAcquired);
        Assert.True(rejected.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(2), retryAfter);
        Assert.Equal(0, Remaining(all));
    }

    [Fact]
    public void A_lagging_clock_never_rejects_what_the_clock_admits_and_retry_after_is_exact()
    {
        using var limiter = CreateLimiter(laggingClock: () => _recent);
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
        using var limiter = CreateLimiter(laggingClock: () => _recent);
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

    private RateLimiter CreateLimiter(Func<long>? laggingClock = null) =>
        new RateLimiterProvider(laggingClock is null ? new InMemoryRateLimitStore(_time) : new InMemoryRateLimitStore(_time, laggingClock), _time)
            .CreateLimiter("bucket", FivePerFiveSeconds);

    private static long Remaining(RateLimitLease lease) =>
        lease.TryGetMetadata(RateLimitMetadata.Remaining, out var remaining) ? remaining : throw new InvalidOperationException("No remaining.");

    private static TimeSpan Reset(RateLimitLease lease) =>
        lease.TryGetMetadata(RateLimitMetadata.Reset, out var reset) ? reset : throw new InvalidOperationException("No reset.");
}
