using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Locking;
using CommerceKit.Locking;
using CommerceKit.TestServers;

namespace CommerceKit.PostgreSql.Tests.Locking;

/// <summary>Each test starts its own postgres, because it kills it.</summary>
public sealed class PostgreSqlLockFaultTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task HandleLost_fires_when_postgres_goes_down_and_the_lock_is_granted_again_after_restart()
    {
        await using var server = await PostgreSqlServer.StartAsync();
        await using var backend = new PostgreSqlLockingBackend(server.ConnectionString);
        var provider = backend.CreateProvider(o => o.Expiry = TimeSpan.FromSeconds(2));
        var held = await provider.CreateLock("outage").AcquireAsync(TimeSpan.Zero);

        server.Kill();
        await held.LostWithinAsync(Deadline);
        await held.DisposeAsync();
        await server.RestartAsync();

        ILockHandle? next = null;
        await Eventually.BackendServesAsync(async () => next = await provider.CreateLock("outage").AcquireAsync(TimeSpan.FromSeconds(5)), Deadline);
        await using var handle = next!;
        Assert.True(handle.FencingToken > held.FencingToken);
    }
}
