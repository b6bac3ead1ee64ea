using System.Collections.Concurrent;
using CommerceKit.ConformanceTests.Coverage;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Locking;

namespace CommerceKit.ConformanceTests.Locking;

/// <summary>
/// What a backend that queues waiters must do: a release hands the lease straight to the oldest waiter still queued,
/// and neither a crashed nor a departed waiter keeps the lock.
/// </summary>
[ConformanceSuite("Locking hand-off", ConformanceBackend.Redis, ConformanceBackend.RedisCluster, ConformanceBackend.PostgreSql)]
public abstract class LockHandOffTests : LockingSuite
{
    private static readonly TimeSpan Expiry = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _name = "handoff-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Releases_hand_the_lease_to_the_queued_waiters_oldest_first_with_growing_tokens()
    {
        var (store, holderToken) = await HeldByHolderAsync();
        var handOffs = await HearHandOffsAsync(store);
        Assert.True((await QueueAsync(store, "first")).IsQueued);
        Assert.True((await QueueAsync(store, "second")).IsQueued);

        Assert.True(await store.ReleaseAsync(_name, "holder", default));
        var toFirst = await NextHandOffAsync(handOffs);
        Assert.Null(await TryTakeAsync(store));
        Assert.True(await store.ReleaseAsync(_name, "first", default));
        var toSecond = await NextHandOffAsync(handOffs);
        Assert.True(await store.ReleaseAsync(_name, "second", default));

        Assert.Equal("first", toFirst.Owner);
        Assert.Equal("second", toSecond.Owner);
        Assert.True(holderToken < toFirst.Token && toFirst.Token < toSecond.Token, $"{holderToken}, {toFirst.Token}, {toSecond.Token}");
        Assert.NotNull(await TryTakeAsync(store));
    }

    [Fact]
    public async Task A_hand_off_is_announced_to_the_waiters_instance_only()
    {
        var (store, _) = await HeldByHolderAsync();
        var toWaiter = await HearHandOffsAsync(store);
        var toOthers = await HearHandOffsAsync(Backend.CreateStore());
        await QueueAsync(store, "waiter");

        await store.ReleaseAsync(_name, "holder", default);
        var handedOff = await NextHandOffAsync(toWaiter);
        await Task.Delay(200);

        Assert.Equal("waiter", handedOff.Owner);
        Assert.Empty(toOthers);
    }

    [Fact]
    public async Task A_waiter_that_missed_the_hand_off_finds_the_lease_its_own_with_a_newer_token()
    {
        var (store, _) = await HeldByHolderAsync();
        var handOffs = await HearHandOffsAsync(store);
        await QueueAsync(store, "waiter");
        await store.ReleaseAsync(_name, "holder", default);
        var handedOff = await NextHandOffAsync(handOffs);

        var again = await QueueAsync(store, "waiter");

        Assert.True(again.IsAcquired);
        Assert.True(again.FencingToken > handedOff.Token);
    }

    [Fact]
    public async Task A_lease_handed_to_a_waiter_that_never_claims_it_frees_after_the_hand_off_lease()
    {
        var (store, _) = await HeldByHolderAsync();
        await store.TryAcquireOrQueueAsync(_name, "crashed", Expiry, Expiry, TimeSpan.FromMilliseconds(400), default);
        await store.ReleaseAsync(_name, "holder", default);

        Assert.Null(await TryTakeAsync(store));
        await Eventually.HoldsAsync(async () => await TryTakeAsync(store) is not null, Deadline, "the unclaimed hand-off lease expires");
    }

    [Fact]
    public async Task A_place_the_waiter_stopped_renewing_lapses_and_the_release_frees_the_lease()
    {
        var (store, _) = await HeldByHolderAsync();
        await store.TryAcquireOrQueueAsync(_name, "gone", Expiry, TimeSpan.FromMilliseconds(100), Expiry, default);
        await Task.Delay(300);

        await store.ReleaseAsync(_name, "holder", default);

        Assert.NotNull(await TryTakeAsync(store));
    }

    [Fact]
    public async Task A_waiter_that_gives_up_leaves_the_queue_and_passes_on_a_lease_handed_to_it()
    {
        var (store, _) = await HeldByHolderAsync();
        var handOffs = await HearHandOffsAsync(store);
        await QueueAsync(store, "leaving");
        await QueueAsync(store, "handed-then-gone");
        await QueueAsync(store, "staying");

        Assert.False(await store.ReleaseAsync(_name, "leaving", default));
        await store.ReleaseAsync(_name, "holder", default);
        var first = await NextHandOffAsync(handOffs);
        Assert.True(await store.ReleaseAsync(_name, "handed-then-gone", default));
        var second = await NextHandOffAsync(handOffs);

        Assert.Equal("handed-then-gone", first.Owner);
        Assert.Equal("staying", second.Owner);
    }

    [Fact]
    public async Task A_one_shot_attempt_is_not_queued()
    {
        var (store, _) = await HeldByHolderAsync();

        var attempt = await store.TryAcquireAsync(_name, "once", Expiry, default);
        await store.ReleaseAsync(_name, "holder", default);

        Assert.False(attempt.IsQueued);
        Assert.NotNull(await TryTakeAsync(store));
    }

    [Fact]
    public async Task A_waiting_lock_takes_the_handed_over_lease_without_asking_again_and_renews_it_to_the_full_expiry()
    {
        // With the default 1 s poll, a queued waiter checks again after 0.75 s at the earliest, so a release as soon as it
        // is queued is the hand-off, and the hand-off lease is 2 s: unless the new holder renews at once, it expires meanwhile.
        var holder = await Backend.CreateProvider().CreateLock(_name).AcquireAsync(TimeSpan.Zero);
        var (waiter, waiterStore) = Backend.CreateProviderWithStore();
        var handOffs = await HearHandOffsAsync(waiterStore);
        var waiting = waiter.CreateLock(_name).AcquireAsync(Deadline).AsTask();
        await Eventually.HoldsAsync(async () => await Backend.CountQueuedAsync(_name) == 1, Deadline, "the waiter is queued");
        await holder.DisposeAsync();
        await using var next = await waiting;
        var handedOff = await NextHandOffAsync(handOffs);
        await Task.Delay(2500);

        Assert.Equal(handedOff.Token, next.FencingToken);
        Assert.False(next.HandleLost.IsCancellationRequested);
        Assert.Null(await Backend.CreateProvider().CreateLock(_name).TryAcquireAsync());
    }

    [Fact]
    public async Task A_canceled_waiter_leaves_the_queue_at_once()
    {
        // A place lasts 2 s unless renewed: gone within 1 s, the waiter took it out.
        var provider = Backend.CreateProvider();
        var holder = await provider.CreateLock(_name).AcquireAsync(TimeSpan.Zero);
        using var cancellation = new CancellationTokenSource();
        var waiting = Backend.CreateProvider().CreateLock(_name).AcquireAsync(cancellationToken: cancellation.Token).AsTask();
        await Eventually.HoldsAsync(async () => await Backend.CountQueuedAsync(_name) == 1, Deadline, "the waiter is queued");

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await Eventually.HoldsAsync(async () => await Backend.CountQueuedAsync(_name) == 0, TimeSpan.FromSeconds(1), "the canceled waiter left the queue");
        await holder.DisposeAsync();

        await using var next = await provider.CreateLock(_name).TryAcquireAsync();
        Assert.NotNull(next);
    }

    // The store of a new instance, with the lock held by the owner "holder".
    private async Task<(LockLeaseStore Store, long HolderToken)> HeldByHolderAsync()
    {
        var store = Backend.CreateStore();
        var held = await store.TryAcquireAsync(_name, "holder", Expiry, default);
        Assert.True(held.IsAcquired);
        return (store, held.FencingToken);
    }

    private ValueTask<LeaseAttempt> QueueAsync(LockLeaseStore store, string owner) =>
        store.TryAcquireOrQueueAsync(_name, owner, Expiry, Expiry, Expiry, default);

    private async Task<string?> TryTakeAsync(LockLeaseStore store)
    {
        var owner = Guid.NewGuid().ToString("N");
        return (await store.TryAcquireAsync(_name, owner, Expiry, default)).IsAcquired ? owner : null;
    }

    // Hand-offs are announced to the instance of the waiter only: listen on the store that queued it.
    private static async Task<ConcurrentQueue<(string Owner, long Token)>> HearHandOffsAsync(LockLeaseStore store)
    {
        var heard = new ConcurrentQueue<(string Owner, long Token)>();
        await store.ListenForReleasesAsync(_ => { }, (owner, token) => heard.Enqueue((owner, token)), default);
        return heard;
    }

    private static async Task<(string Owner, long Token)> NextHandOffAsync(ConcurrentQueue<(string Owner, long Token)> heard)
    {
        (string Owner, long Token) next = default;
        await Eventually.HoldsAsync(() => Task.FromResult(heard.TryDequeue(out next)), Deadline, "a hand-off is announced");
        return next;
    }
}
