using System.Threading.RateLimiting;
using CommerceKit.RateLimiting;
using CommerceKit.RateLimiting.InMemory;
using Microsoft.Extensions.Time.Testing;

namespace CommerceKit.Tests.RateLimiting;

/// <summary>
/// The in-memory token bucket's fast grants (docs/rate-limiting.md, guarantees): one shared lease whose metadata is
/// the bucket as it is when read, and rejections that still carry their own RetryAfter.
/// </summary>
public sealed class InMemoryTokenBucketTests
{
    // Five permits, one back every second.
    private static readonly TokenBucketPolicy FivePerFiveSeconds = new(5, TimeSpan.FromSeconds(5));

    private readonly FakeTimeProvider _time = new();

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

    private RateLimiter CreateLimiter() =>
        new RateLimiterProvider(new InMemoryRateLimitStore(_time), _time).CreateLimiter("bucket", FivePerFiveSeconds);

    private static long Remaining(RateLimitLease lease) =>
        lease.TryGetMetadata(RateLimitMetadata.Remaining, out var remaining) ? remaining : throw new InvalidOperationException("No remaining.");

    private static TimeSpan Reset(RateLimitLease lease) =>
        lease.TryGetMetadata(RateLimitMetadata.Reset, out var reset) ? reset : throw new InvalidOperationException("No reset.");
}
