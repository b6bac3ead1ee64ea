using CommerceKit.ConformanceTests.Fixtures;
using StackExchange.Redis;

namespace CommerceKit.Redis.Tests.Locking;

/// <summary>The key that tells a Redis release to announce itself: set by a failed attempt, gone when it no longer matters.</summary>
public sealed class RedisLockWaitingMarkTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Expiry = TimeSpan.FromSeconds(20);
    private readonly RedisLockingBackend _backend = new(redis.Configuration);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Acquiring_and_releasing_without_contention_leaves_no_mark()
    {
        var handle = await _backend.CreateProvider(o => o.Expiry = Expiry).CreateLock("quiet").AcquireAsync(TimeSpan.Zero);
        await handle.DisposeAsync();

        Assert.False(await (await DatabaseAsync()).KeyExistsAsync(_backend.WaitingKey("quiet")));
    }

    [Fact]
    public async Task A_failed_attempt_marks_the_lock_until_a_lease_after_the_holders_and_the_release_clears_it()
    {
        var holder = await _backend.CreateProvider(o => o.Expiry = Expiry).CreateLock("busy").AcquireAsync(TimeSpan.Zero);
        Assert.Null(await _backend.CreateProvider(o => o.Expiry = Expiry).CreateLock("busy").TryAcquireAsync());
        var database = await DatabaseAsync();

        // Lease first: both count down, so the mark, read a moment later, can only come out lower.
        var leaseLives = await database.KeyTimeToLiveAsync(_backend.LeaseKey("busy"));
        var markLives = await database.KeyTimeToLiveAsync(_backend.WaitingKey("busy"));

        Assert.NotNull(leaseLives);
        Assert.NotNull(markLives);
        Assert.InRange(markLives.Value, leaseLives.Value + Expiry - TimeSpan.FromSeconds(1), leaseLives.Value + Expiry + TimeSpan.FromMilliseconds(5));
        await holder.DisposeAsync();
        Assert.False(await database.KeyExistsAsync(_backend.WaitingKey("busy")));
    }

    private async Task<IDatabase> DatabaseAsync() => await _backend.Connection.GetDatabaseAsync(default);
}
