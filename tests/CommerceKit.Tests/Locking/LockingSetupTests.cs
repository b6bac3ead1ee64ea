using CommerceKit.ConformanceTests.Locking;
using CommerceKit.Locking;
using CommerceKit.Locking.InMemory;
using CommerceKit.Redis.Locking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CommerceKit.Tests.Locking;

public sealed class LockingSetupTests
{
    [Fact]
    public void AddLocking_registers_in_memory_locks_with_the_documented_defaults()
    {
        using var services = new ServiceCollection().AddCommerceKit().AddLocking().Services.BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<DistributedLockOptions>>().Value;
        Assert.IsType<DistributedLockProvider>(services.GetRequiredService<IDistributedLockProvider>());
        Assert.IsType<InMemoryLockLeaseStore>(services.GetRequiredService<LockLeaseStore>());
        Assert.Equal(TimeSpan.FromSeconds(30), options.Expiry);
        Assert.Null(options.RenewalInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.EffectiveRenewalInterval);
        Assert.Null(options.MaxHoldTime);
        Assert.Equal(TimeSpan.FromSeconds(1), options.FallbackPollInterval);
    }

    [Fact]
    public async Task A_backend_registration_replaces_the_in_memory_store_whatever_the_order()
    {
        var collection = new ServiceCollection();

        collection.AddCommerceKit().AddLocking().AddRedis(o => o.Configuration = "127.0.0.1:1").AddLocking(locking => locking.UseRedis()).AddLocking();

        Assert.Single(collection, d => d.ServiceType == typeof(LockLeaseStore));
        await using var services = collection.BuildServiceProvider();
        Assert.IsType<RedisLockLeaseStore>(services.GetRequiredService<LockLeaseStore>());
        Assert.Single(collection, d => d.ServiceType == typeof(IDistributedLockProvider));
    }

    [Theory]
    [InlineData(30_000, 30_000, null, "RenewalInterval")]
    [InlineData(30_000, 0, null, "RenewalInterval")]
    [InlineData(30_000, null, 0, "MaxHoldTime")]
    [InlineData(50, null, null, "Expiry")]
    public void Invalid_options_fail_when_first_read(int expiryMs, int? renewalMs, int? maxHoldMs, string property)
    {
        using var services = new ServiceCollection().AddCommerceKit().AddLocking(locking => locking.Configure(o =>
        {
            o.Expiry = TimeSpan.FromMilliseconds(expiryMs);
            o.RenewalInterval = renewalMs is { } renewal ? TimeSpan.FromMilliseconds(renewal) : null;
            o.MaxHoldTime = maxHoldMs is { } maxHold ? TimeSpan.FromMilliseconds(maxHold) : null;
        })).Services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IDistributedLockProvider>());

        Assert.Contains(property, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxHoldTime_fires_HandleLost_when_the_clock_passes_it()
    {
        var time = new FakeTimeProvider();
        using var services = new ServiceCollection().AddSingleton<TimeProvider>(time)
            .AddCommerceKit().AddLocking(locking => locking.Configure(o => o.MaxHoldTime = TimeSpan.FromSeconds(5))).Services.BuildServiceProvider();
        await using var handle = await services.GetRequiredService<IDistributedLockProvider>().CreateLock("report").AcquireAsync(TimeSpan.Zero);

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(handle.HandleLost.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(1));

        await handle.LostWithinAsync(TimeSpan.FromSeconds(10));
    }
}
