using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Locking;
using CommerceKit.Locking;
using CommerceKit.Redis.Locking;
using StackExchange.Redis;

namespace CommerceKit.Redis.Tests.Locking;

public sealed class RedisFencedWritesTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private readonly RedisLockingBackend _backend = new(redis.Configuration);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task A_paused_holder_whose_lease_was_taken_over_cannot_overwrite_the_next_holders_write()
    {
        // MaxHoldTime stops the renewals, as a long GC pause or a frozen VM would: the lease runs out under the holder.
        var paused = await _backend.CreateProvider(o => { o.Expiry = TimeSpan.FromMilliseconds(500); o.MaxHoldTime = TimeSpan.FromMilliseconds(100); })
            .CreateLock("reconcile").AcquireAsync(TimeSpan.Zero);
        await using var next = await _backend.CreateProvider().CreateLock("reconcile").AcquireAsync(Deadline);
        var writes = Writes();
        var key = $"{_backend.KeyPrefix}:stock:{{SKU-1}}";
        await writes.StringSetAsync(key, "written by the next holder", next.FencingToken);

        var stale = await Assert.ThrowsAsync<StaleFencingTokenException>(() => writes.StringSetAsync(key, "written by the paused holder", paused.FencingToken));

        Assert.Equal("written by the next holder", (string?)await (await DatabaseAsync()).StringGetAsync(key));
        Assert.Equal(paused.FencingToken, stale.FencingToken);
        Assert.Equal(next.FencingToken, stale.CurrentToken);
        await paused.DisposeAsync();
    }

    [Fact]
    public async Task The_same_or_a_newer_token_writes_and_sets_the_expiry()
    {
        var writes = Writes();
        var key = $"{_backend.KeyPrefix}:untagged-key";

        await writes.StringSetAsync(key, "first", 10, TimeSpan.FromMinutes(1));
        await writes.StringSetAsync(key, "again", 10, TimeSpan.FromMinutes(1));
        await writes.StringSetAsync(key, "newer", 11, TimeSpan.FromMinutes(1));

        Assert.Equal("newer", (string?)await (await DatabaseAsync()).StringGetAsync(key));
        Assert.InRange((await (await DatabaseAsync()).KeyTimeToLiveAsync(key))!.Value, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no}tag")]
    public async Task Keys_that_cannot_be_fenced_are_refused_with_the_parameter_name(string key)
    {
        var failure = await Assert.ThrowsAsync<ArgumentException>(() => Writes().StringSetAsync(key, "value", 1));

        Assert.Equal("key", failure.ParamName);
    }

    [Theory]
    [InlineData("plain", "{plain}:ck-fence")]
    [InlineData("stock:{SKU-1}", "stock:{SKU-1}:ck-fence")]
    [InlineData("open{only", "{open{only}:ck-fence")]
    public async Task The_fence_key_shares_the_keys_cluster_slot(string key, string fence)
    {
        Writes();
        var multiplexer = await _backend.Connection.GetMultiplexerAsync(default);

        Assert.Equal(fence, RedisFencedWrites.FenceKeyFor(key));
        Assert.Equal(multiplexer.HashSlot(key), multiplexer.HashSlot(fence));
    }

    private RedisFencedWrites Writes()
    {
        _backend.CreateProvider();
        return _backend.FencedWrites;
    }

    private async Task<IDatabase> DatabaseAsync() => await _backend.Connection.GetDatabaseAsync(default);
}
