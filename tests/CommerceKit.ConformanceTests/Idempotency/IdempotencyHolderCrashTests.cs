using CommerceKit.ConformanceTests.Coverage;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Idempotency;

namespace CommerceKit.ConformanceTests.Idempotency;

/// <summary>A key claimed by a process that dies mid-operation is retried once its lease runs out; the dead claim can never complete.</summary>
[ConformanceSuite("Idempotency", ConformanceBackend.Redis, ConformanceBackend.PostgreSql)]
public abstract class IdempotencyHolderCrashTests : IdempotencySuite
{
    [Fact]
    public async Task A_key_claimed_by_a_process_killed_with_SIGKILL_runs_again_after_the_lease_and_the_dead_claim_is_fenced_off()
    {
        var lease = TimeSpan.FromSeconds(3);
        var name = "crash-" + Guid.NewGuid().ToString("N")[..8];
        var key = new IdempotencyKey("holder", name);
        using var holder = await LeaseHolderProcess.StartAsync(Backend.HolderProcessArguments(name, lease));
        await Assert.ThrowsAsync<IdempotencyKeyInUseException>(() => Backend.CreateExecutor().ExecuteAsync(key, "holder", (_, _) => Task.FromResult(0)));

        holder.Kill();
        var retry = await Backend.CreateExecutor(o => o.InProgressWait = lease + TimeSpan.FromSeconds(1))
            .ExecuteAsync(key, "holder", (_, _) => Task.FromResult(42));

        Assert.False(retry.IsReplay);
        Assert.Equal(42, retry.Value);
        Assert.False(await Backend.CreateStore().CompleteAsync(key, holder.Token, new StoredResponse(200, "0"u8.ToArray()), TimeSpan.FromHours(1), CancellationToken.None));
    }
}
