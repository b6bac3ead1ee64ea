using System.Diagnostics;
using System.Threading.RateLimiting;
using CommerceKit.ConformanceTests.Coverage;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.RateLimiting;

namespace CommerceKit.ConformanceTests.RateLimiting;

/// <summary>What every rate-limit backend must do, on real time: long windows where only counting matters, short ones where refills are checked.</summary>
[ConformanceSuite("RateLimiting", ConformanceBackend.InMemory, ConformanceBackend.Redis, ConformanceBackend.RedisCluster, ConformanceBackend.PostgreSql)]
public abstract class RateLimiterConformanceTests : RateLimitingSuite
{
    // Long enough that no epoch-aligned fixed window ends during a test.
    private static readonly TimeSpan Long = TimeSpan.FromDays(300);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    // The in-memory backend on the system clock pads retry-after by its tick's resolution (docs/rate-limiting.md).
    private static readonly TimeSpan Padding = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public static TheoryData<string> Algorithms => ["token-bucket", "fixed-window", "sliding-window"];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Admits_exactly_the_limit_then_rejects_with_retry_after_and_metadata(string algorithm)
    {
        using var limiter = Backend.CreateProvider().CreateLimiter(Key("orders"), Policy(algorithm, 5, Long));

        for (var expectedRemaining = 4; expectedRemaining >= 0; expectedRemaining--)
        {
            using var granted = await limiter.AcquireAsync();
            Assert.True(granted.IsAcquired);
            Assert.True(granted.TryGetMetadata(RateLimitMetadata.Remaining, out var remaining));
            Assert.Equal(expectedRemaining, remaining);
            Assert.True(granted.TryGetMetadata(RateLimitMetadata.Limit, out var limit));
            Assert.Equal(5, limit);
        }

        using var rejected = await limiter.AcquireAsync();

        Assert.False(rejected.IsAcquired);
        Assert.True(rejected.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromTicks(1), Long + Padding);
        Assert.False(rejected.TryGetMetadata(MetadataName.ReasonPhrase, out _));
        Assert.True(rejected.TryGetMetadata(RateLimitMetadata.Reset, out var reset));
        Assert.InRange(reset, retryAfter - Padding, Long);
    }

    [Fact]
    public async Task The_token_bucket_asks_to_retry_after_one_emission_interval()
    {
        using var limiter = Backend.CreateProvider().CreateLimiter(Key("bucket"), new TokenBucketPolicy(4, Hour));
        for (var i = 0; i < 4; i++)
        {
            using var granted = await limiter.AcquireAsync();
        }

        using var rejected = await limiter.AcquireAsync();

        Assert.True(rejected.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15) + Padding);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Weighted_requests_count_their_permits(string algorithm)
    {
        using var limiter = Backend.CreateProvider().CreateLimiter(Key("weighted"), Policy(algorithm, 5, Long));

        using var three = await limiter.AcquireAsync(3);
        using var threeMore = await limiter.AcquireAsync(3);
        using var two = await limiter.AcquireAsync(2);

        Assert.True(three.IsAcquired);
        Assert.False(threeMore.IsAcquired);
        Assert.True(two.IsAcquired);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Instances_share_one_limit_and_keys_do_not(string algorithm)
    {
        var policy = Policy(algorithm, 3, Long);
        var limiters = Enumerable.Range(0, 3).Select(_ => Backend.CreateProvider().CreateLimiter(Key("shared"), policy)).ToList();
        using var other = Backend.CreateProvider().CreateLimiter(Key("other"), policy);

        var granted = 0;
        foreach (var limiter in limiters.Concat(limiters))
        {
            using var lease = await limiter.AcquireAsync();
            granted += lease.IsAcquired ? 1 : 0;
        }

        using var otherLease = await other.AcquireAsync();
        Assert.Equal(3, granted);
        Assert.True(otherLease.IsAcquired);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task A_zero_permit_probe_answers_without_counting(string algorithm)
    {
        using var limiter = Backend.CreateProvider().CreateLimiter(Key("probe"), Policy(algorithm, 1, Long));

        using var probe = await limiter.AcquireAsync(0);
        using var first = await limiter.AcquireAsync();
        using var probeWhenFull = await limiter.AcquireAsync(0);

        Assert.True(probe.IsAcquired);
        Assert.True(first.IsAcquired);
        Assert.False(probeWhenFull.IsAcquired);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task A_rejected_request_is_admitted_once_its_retry_after_has_passed(string algorithm)
    {
        using var limiter = Backend.CreateProvider().CreateLimiter(Key("refill"), Policy(algorithm, 2, TimeSpan.FromMilliseconds(600)));
        RateLimitLease rejected;
        var attempts = 0;
        while ((rejected = await limiter.AcquireAsync()).IsAcquired)
        {
            Assert.True(++attempts < 10, "the limiter never rejected");
        }

        Assert.True(rejected.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));

        // The server's clock and the round trip may put the answer a few milliseconds late, never early.
        await Task.Delay(retryAfter + TimeSpan.FromMilliseconds(30));
        using var admitted = await limiter.AcquireAsync();

        Assert.True(admitted.IsAcquired);
    }

    [Fact]
    public async Task Queued_requests_wait_for_their_turn_and_a_full_queue_rejects_at_once()
    {
        var policy = new TokenBucketPolicy(1, TimeSpan.FromMilliseconds(400)) { QueueLimit = 1 };
        using var limiter = Backend.CreateProvider().CreateLimiter(Key("queue"), policy);
        using var first = await limiter.AcquireAsync();

        var clock = Stopwatch.StartNew();
        var queued = limiter.AcquireAsync().AsTask();
        await Eventually.HoldsAsync(() => Task.FromResult(limiter.GetStatistics()!.CurrentQueuedCount == 1), Deadline, "the second request is queued");
        using var overflow = await limiter.AcquireAsync();
        using var waited = await queued;

        Assert.False(overflow.IsAcquired);
        Assert.True(overflow.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
        Assert.Equal(RateLimitReasons.QueueFull, reason);
        Assert.True(waited.IsAcquired);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(300), $"the queued request waited only {clock.Elapsed}");
    }

    [Fact]
    public async Task A_queued_request_honours_cancellation()
    {
        var policy = new FixedWindowPolicy(1, Long) { QueueLimit = 5 };
        using var limiter = Backend.CreateProvider().CreateLimiter(Key("cancel"), policy);
        using var first = await limiter.AcquireAsync();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => limiter.AcquireAsync(1, cancellation.Token).AsTask());
        Assert.Equal(0, limiter.GetStatistics()!.CurrentQueuedCount);
    }

    [Fact]
    public async Task AttemptAcquire_decides_locally_or_asks_for_AcquireAsync()
    {
        using var limiter = Backend.CreateProvider().CreateLimiter(Key("sync"), new TokenBucketPolicy(1, Hour));

        using var attempt = limiter.AttemptAcquire();

        if (Backend.DecidesSynchronously)
        {
            Assert.True(attempt.IsAcquired);
        }
        else
        {
            Assert.False(attempt.IsAcquired);
            Assert.True(attempt.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
            Assert.Equal(RateLimitReasons.RequiresAsync, reason);
            using var counted = await limiter.AcquireAsync();
            Assert.True(counted.IsAcquired);
        }
    }

    [Fact]
    public async Task Partitions_are_limited_separately()
    {
        using var limiter = Backend.CreateProvider().CreatePartitionedLimiter<string>(Key("per-customer"), new FixedWindowPolicy(1, Long), customer => customer);

        using var alice = await limiter.AcquireAsync("alice");
        using var aliceAgain = await limiter.AcquireAsync("alice");
        using var bob = await limiter.AcquireAsync("bob");

        Assert.True(alice.IsAcquired);
        Assert.False(aliceAgain.IsAcquired);
        Assert.True(bob.IsAcquired);
    }

    [Fact]
    public async Task Concurrency_permits_are_held_until_the_lease_is_disposed()
    {
        var policy = new ConcurrencyPolicy(2, TimeSpan.FromSeconds(30));
        using var first = Backend.CreateProvider().CreateLimiter(Key("exports"), policy);
        using var second = Backend.CreateProvider().CreateLimiter(Key("exports"), policy);

        var one = await first.AcquireAsync();
        using var two = await second.AcquireAsync();
        using var three = await second.AcquireAsync();
        Assert.True(one.IsAcquired && two.IsAcquired);
        Assert.False(three.IsAcquired);
        Assert.True(three.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(policy.RetryInterval, retryAfter);

        one.Dispose();

        await EventuallyAdmitsAsync(second, "a disposed lease returns its permit");
    }

    [Fact]
    public async Task Concurrency_permits_of_a_holder_that_stopped_renewing_expire()
    {
        var policy = new ConcurrencyPolicy(1, TimeSpan.FromMilliseconds(500));
        using var limiter = Backend.CreateProvider().CreateLimiter(Key("crashed"), policy);

        // A holder that died: its lease was taken straight from the store, so nothing renews it.
        var dead = await Backend.Store.CreateConcurrencyCounter(Key("crashed"), policy).AcquireAsync("dead-holder", 1, default);
        using var blocked = await limiter.AcquireAsync();
        Assert.True(dead.IsGranted);
        Assert.False(blocked.IsAcquired);

        await EventuallyAdmitsAsync(limiter, "the dead holder's permit expires");
    }

    [Fact]
    public async Task A_held_concurrency_permit_is_renewed_past_its_lifetime()
    {
        var policy = new ConcurrencyPolicy(1, TimeSpan.FromMilliseconds(600));
        using var holder = Backend.CreateProvider().CreateLimiter(Key("renewed"), policy);
        using var other = Backend.CreateProvider().CreateLimiter(Key("renewed"), policy);
        using var held = await holder.AcquireAsync();

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMilliseconds(1500))
        {
            using var attempt = await other.AcquireAsync();
            Assert.False(attempt.IsAcquired, $"the renewed permit was handed out after {clock.Elapsed}");
            await Task.Delay(100);
        }

        Assert.True(held.IsAcquired);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(6)]
    public async Task A_permit_count_outside_zero_to_the_limit_is_refused(int permitCount)
    {
        using var limiter = Backend.CreateProvider().CreateLimiter(Key("bad"), new TokenBucketPolicy(5, Hour));

        Assert.Equal("permitCount", Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(permitCount)).ParamName);
        Assert.Equal("permitCount", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => limiter.AcquireAsync(permitCount).AsTask())).ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\tkey")]
    public void An_invalid_key_is_refused(string key)
    {
        var provider = Backend.CreateProvider();

        Assert.Equal("key", Assert.Throws<ArgumentException>(() => provider.CreateLimiter(key, new TokenBucketPolicy(1, Hour))).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => provider.CreatePartitionedLimiter<string>(key, new TokenBucketPolicy(1, Hour), s => s)).ParamName);
    }

    [Fact]
    public async Task Three_instances_hammering_one_key_admit_exactly_what_the_token_bucket_allows()
    {
        // 40 permits of burst, then one every 25 ms: over 5 s the bucket admits 40 + 200.
        var policy = new TokenBucketPolicy(40, TimeSpan.FromSeconds(1));
        var limiters = Enumerable.Range(0, 3).Select(_ => Backend.CreateProvider().CreateLimiter(Key("hammer"), policy)).ToList();
        var admitted = 0;
        var clock = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(5);

        await Task.WhenAll(limiters.SelectMany(limiter => Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                using var lease = await limiter.AcquireAsync();
                if (lease.IsAcquired)
                {
                    Interlocked.Increment(ref admitted);
                }
            }
        }))));
        var elapsed = clock.Elapsed;

        // Upper bound: the policy over the whole run (the server saw at most this much time). Lower bound: callers
        // never stop asking, so every token is taken within a few round trips of appearing.
        var interval = policy.EmissionInterval;
        var ceiling = 40 + (int)(elapsed / interval) + 1;
        var floor = 40 + (int)((elapsed - TimeSpan.FromMilliseconds(500)) / interval);
        Assert.InRange(admitted, floor, ceiling);
    }

    private static Task EventuallyAdmitsAsync(RateLimiter limiter, string what) =>
        Eventually.HoldsAsync(
            async () =>
            {
                using var lease = await limiter.AcquireAsync();
                return lease.IsAcquired;
            },
            Deadline,
            what);

    private static RateLimitPolicy Policy(string algorithm, int limit, TimeSpan window) => algorithm switch
    {
        "token-bucket" => new TokenBucketPolicy(limit, window),
        "fixed-window" => new FixedWindowPolicy(limit, window),
        _ => new SlidingWindowPolicy(limit, window),
    };
}
