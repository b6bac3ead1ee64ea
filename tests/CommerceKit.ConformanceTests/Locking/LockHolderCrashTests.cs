using CommerceKit.ConformanceTests.Coverage;
using CommerceKit.ConformanceTests.Fixtures;

namespace CommerceKit.ConformanceTests.Locking;

/// <summary>A lock whose holder process dies without a word is free again once its lease runs out.</summary>
[ConformanceSuite("Locking", ConformanceBackend.Redis, ConformanceBackend.PostgreSql)]
public abstract class LockHolderCrashTests : LockingSuite
{
    [Fact]
    public async Task A_lock_held_by_a_process_killed_with_SIGKILL_is_granted_to_another_within_expiry_plus_one_second()
    {
        var expiry = TimeSpan.FromSeconds(3);
        using var holder = await LeaseHolderProcess.StartAsync(Backend.HolderProcessArguments("crash", expiry));
        var crashLock = Backend.CreateProvider().CreateLock("crash");
        Assert.Null(await crashLock.TryAcquireAsync());

        holder.Kill();
        await using var next = await crashLock.AcquireAsync(expiry + TimeSpan.FromSeconds(1));

        Assert.True(next.FencingToken > holder.Token, $"{next.FencingToken} should exceed the killed holder's {holder.Token}");
    }
}
