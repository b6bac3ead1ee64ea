using System.Threading.RateLimiting;
using CommerceKit.RateLimiting;
using CommerceKit.RateLimiting.InMemory;
using CommerceKit.Redis.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CommerceKit.Tests.RateLimiting;

public sealed class RateLimitingSetupTests
{
    [Fact]
    public void AddRateLimiter_registers_an_in_memory_provider()
    {
        using var services = new ServiceCollection().AddCommerceKit().AddRateLimiting().Services.BuildServiceProvider();

        Assert.IsType<InMemoryRateLimitStore>(services.GetRequiredService<RateLimitStore>());
        Assert.Equal("memory", services.GetRequiredService<IRateLimiterProvider>().BackendName);
    }

    [Fact]
    public async Task A_backend_registration_replaces_the_in_memory_store_whatever_the_order()
    {
        var collection = new ServiceCollection();

        collection.AddCommerceKit().AddRateLimiting().AddRedis(o => o.Configuration = "127.0.0.1:1").AddRateLimiting(limits => limits.UseRedis()).AddRateLimiting();

        Assert.Single(collection, d => d.ServiceType == typeof(RateLimitStore));
        await using var services = collection.BuildServiceProvider();
        Assert.IsType<RedisRateLimitStore>(services.GetRequiredService<RateLimitStore>());
        Assert.Single(collection, d => d.ServiceType == typeof(IRateLimiterProvider));
    }

    [Fact]
    public void Policies_refuse_limits_and_windows_out_of_range_naming_the_parameter()
    {
        Assert.Equal("permitLimit", Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucketPolicy(0, TimeSpan.FromSeconds(1))).ParamName);
        Assert.Equal("period", Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucketPolicy(1, TimeSpan.Zero)).ParamName);
        Assert.Equal("window", Assert.Throws<ArgumentOutOfRangeException>(() => new FixedWindowPolicy(1, TimeSpan.FromSeconds(-1))).ParamName);
        Assert.Equal("permitLimit", Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingWindowPolicy(-3, TimeSpan.FromSeconds(1))).ParamName);
        Assert.Equal("window", Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingWindowPolicy(1, TimeSpan.FromDays(400))).ParamName);
        Assert.Equal("leaseLifetime", Assert.Throws<ArgumentOutOfRangeException>(() => new ConcurrencyPolicy(1, TimeSpan.FromMilliseconds(50))).ParamName);
        Assert.Equal("QueueLimit", Assert.Throws<ArgumentOutOfRangeException>(() => new FixedWindowPolicy(1, TimeSpan.FromSeconds(1)) { QueueLimit = -1 }).ParamName);
        Assert.Equal("FailureMode", Assert.Throws<ArgumentOutOfRangeException>(() => new FixedWindowPolicy(1, TimeSpan.FromSeconds(1)) { FailureMode = (RateLimitFailureMode)7 }).ParamName);
    }

    [Theory]
    [InlineData(10, 60, 6_000_000)]
    [InlineData(7, 1, 142_858)]
    [InlineData(3, 1, 333_334)]
    public void The_emission_interval_is_the_period_per_permit_rounded_up_to_a_microsecond(int limit, int seconds, long microseconds)
    {
        Assert.Equal(TimeSpan.FromTicks(microseconds * 10), new TokenBucketPolicy(limit, TimeSpan.FromSeconds(seconds)).EmissionInterval);
    }

    [Fact]
    public void Idle_partitions_are_forgotten_by_the_in_memory_store()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryRateLimitStore(time);
        var provider = new RateLimiterProvider(store, time);
        var policy = new TokenBucketPolicy(5, TimeSpan.FromSeconds(1));
        void UseCustomers(string batch, int count)
        {
            for (var i = 0; i < count; i++)
            {
                using var limiter = provider.CreateLimiter($"{batch}-{i}", policy);
                using var lease = limiter.AttemptAcquire();
            }
        }

        UseCustomers("yesterday", 3000);
        time.Advance(TimeSpan.FromSeconds(2));
        UseCustomers("today", 2000);

        // The 3,000 full buckets of yesterday no longer affect any decision: only today's keys remain.
        Assert.Equal(2000, store.KeyCount);
    }

    [Fact]
    public void A_limiter_reports_idle_time_only_after_decisions_stop()
    {
        var time = new FakeTimeProvider();
        using var limiter = new RateLimiterProvider(new InMemoryRateLimitStore(time), time).CreateLimiter("idle", new TokenBucketPolicy(5, TimeSpan.FromSeconds(1)));
        _ = limiter.IdleDuration;
        time.Advance(TimeSpan.FromSeconds(3));
        using (limiter.AttemptAcquire())
        {
        }

        var afterUse = limiter.IdleDuration;
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.Zero, afterUse);
        Assert.Equal(TimeSpan.FromSeconds(5), limiter.IdleDuration);
    }
}
