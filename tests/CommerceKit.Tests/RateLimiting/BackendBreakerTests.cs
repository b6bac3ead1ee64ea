using System.Threading.RateLimiting;
using CommerceKit.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace CommerceKit.Tests.RateLimiting;

/// <summary>
/// The breaker in front of remote backends, on a store that is down (a port implementation that counts calls; the
/// real outages are in the Redis failure tests).
/// </summary>
public sealed class BackendBreakerTests
{
    [Fact]
    public async Task After_three_failures_decisions_follow_the_failure_policy_without_asking_the_backend_until_the_break_ends()
    {
        var time = new FakeTimeProvider();
        var store = new UnreachableStore();
        using var limiter = new RateLimiterProvider(store, time).CreateLimiter("orders", new TokenBucketPolicy(5, TimeSpan.FromMinutes(1)));

        for (var i = 0; i < 6; i++)
        {
            using var lease = await limiter.AcquireAsync();
            Assert.True(lease.IsAcquired);
            Assert.True(lease.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
            Assert.Equal(RateLimitReasons.BackendUnavailable, reason);
        }

        Assert.Equal(3, store.Calls);
        time.Advance(TimeSpan.FromSeconds(1.5));
        using var probe = await limiter.AcquireAsync();
        Assert.Equal(4, store.Calls);
    }

    private sealed class UnreachableStore() : RateLimitStore("test")
    {
        public int Calls { get; private set; }

        public override RateLimitCounter CreateCounter(string key, RateLimitPolicy policy) => new Counter(this);

        public override ConcurrencyCounter CreateConcurrencyCounter(string key, ConcurrencyPolicy policy) => throw new NotSupportedException();

        private sealed class Counter(UnreachableStore store) : RateLimitCounter
        {
            public override ValueTask<RateLimitDecision> AcquireAsync(int permits, CancellationToken cancellationToken)
            {
                store.Calls++;
                throw new BackendUnavailableException("test", "The test backend is down.", null);
            }
        }
    }
}
