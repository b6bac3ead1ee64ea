using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Locking;
using CommerceKit.Locking;
using CommerceKit.TestServers;

namespace CommerceKit.Redis.Tests.Locking;

/// <summary>Each test starts its own redis-server, because it kills it. The servers run without persistence.</summary>
public sealed class RedisLockFaultTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task HandleLost_fires_when_redis_server_is_restarted_and_forgets_the_lease()
    {
        await using var server = await RedisServer.StartAsync();
        await using var backend = new RedisLockingBackend(server.Configuration);
        var held = await backend.CreateProvider(o => o.Expiry = TimeSpan.FromSeconds(2)).CreateLock("restart").AcquireAsync(TimeSpan.Zero);

        server.Kill();
        await server.RestartAsync();

        await held.LostWithinAsync(Deadline);
        await held.DisposeAsync();
    }

    [Fact]
    public async Task Fencing_tokens_keep_growing_after_a_restart_that_lost_the_counter()
    {
        await using var server = await RedisServer.StartAsync();
        await using var backend = new RedisLockingBackend(server.Configuration);
        var restartLock = backend.CreateProvider().CreateLock("counter-lost");
        var before = await restartLock.AcquireAsync(TimeSpan.Zero);
        await before.DisposeAsync();

        server.Kill();
        await server.RestartAsync();
        ILockHandle? after = null;
        await Eventually.BackendServesAsync(async () => after = await restartLock.AcquireAsync(TimeSpan.Zero), Deadline);
        await using var handle = after!;

        Assert.True(handle.FencingToken > before.FencingToken, $"{handle.FencingToken} should exceed {before.FencingToken}");
    }

    [Fact]
    public async Task Acquiring_while_redis_is_down_throws_BackendUnavailableException_and_leaves_nothing_held()
    {
        await using var server = await RedisServer.StartAsync();
        await using var backend = new RedisLockingBackend(server.Configuration);
        var downLock = backend.CreateProvider().CreateLock("down");
        await (await downLock.AcquireAsync(TimeSpan.Zero)).DisposeAsync();

        server.Kill();
        var failure = await Assert.ThrowsAsync<BackendUnavailableException>(() => downLock.TryAcquireAsync().AsTask());
        await server.RestartAsync();

        Assert.Equal("redis", failure.Backend);
        ILockHandle? handle = null;
        await Eventually.BackendServesAsync(async () => handle = await downLock.TryAcquireAsync(), Deadline);
        await using var held = handle;
        Assert.NotNull(handle);
    }
}
