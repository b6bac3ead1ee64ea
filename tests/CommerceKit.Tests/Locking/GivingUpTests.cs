using CommerceKit.Locking;
using Microsoft.Extensions.Options;

namespace CommerceKit.Tests.Locking;

/// <summary>
/// A caller that gives up must have left the queue before it gets its answer, or a release right after could hand
/// the lease to it. A backend whose releases wait for a gate shows whether the engine waits for that cleanup.
/// </summary>
public sealed class GivingUpTests
{
    // Every wait is bounded: a regression fails a test instead of hanging it.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly GatedReleaseStore _store = new();

    private IDistributedLock CreateLock() =>
        new DistributedLockProvider(_store, Options.Create(new DistributedLockOptions()), TimeProvider.System).CreateLock("gated");

    [Fact]
    public async Task A_wait_that_times_out_answers_only_after_leaving_the_queue()
    {
        var waiting = CreateLock().TryAcquireAsync(TimeSpan.FromMilliseconds(100)).AsTask();

        await AssertWaitsForTheReleaseAsync(waiting);
        Assert.Null(await waiting.WaitAsync(Bound));
    }

    [Fact]
    public async Task A_canceled_wait_throws_only_after_leaving_the_queue()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var waiting = CreateLock().AcquireAsync(cancellationToken: cancellation.Token).AsTask();

        await AssertWaitsForTheReleaseAsync(waiting);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Bound));
    }

    [Fact]
    public async Task A_one_shot_attempt_canceled_in_flight_throws_only_after_giving_the_lease_back()
    {
        _store.AttemptsHang = true;
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var attempt = CreateLock().TryAcquireAsync(TimeSpan.Zero, cancellation.Token).AsTask();

        await AssertWaitsForTheReleaseAsync(attempt);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => attempt.WaitAsync(Bound));
    }

    [Fact]
    public async Task Behind_a_failing_backend_the_caller_does_not_wait_for_the_cleanup()
    {
        _store.AttemptsFail = true;

        // A caller that waited for the gated release would never answer.
        await Assert.ThrowsAsync<BackendUnavailableException>(
            () => CreateLock().TryAcquireAsync(TimeSpan.Zero).AsTask().WaitAsync(Bound));
        await Assert.ThrowsAsync<BackendUnavailableException>(
            () => CreateLock().TryAcquireAsync(TimeSpan.FromSeconds(1)).AsTask().WaitAsync(Bound));

        Assert.Equal(2, _store.ReleasesStarted);
        _store.OpenReleases();
    }

    [Fact]
    public async Task A_canceled_wait_whose_cleanup_meets_a_disposed_backend_still_throws_the_cancellation()
    {
        _store.ReleasesThrowDisposed = true;
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => CreateLock().AcquireAsync(cancellationToken: cancellation.Token).AsTask().WaitAsync(Bound));
        Assert.Equal(1, _store.ReleasesStarted);
    }

    private async Task AssertWaitsForTheReleaseAsync(Task call)
    {
        await _store.ReleaseStarted.WaitAsync(Bound);

        // Without the wait for the cleanup, the call would answer right after starting the release.
        await Task.Delay(100);
        Assert.False(call.IsCompleted, "The call answered while its release was still running.");

        _store.OpenReleases();
    }

    /// <summary>A lease always held by someone else, a queue for waiters, and releases that wait until the test opens them.</summary>
    private sealed class GatedReleaseStore() : LockLeaseStore("gated")
    {
        private readonly TaskCompletionSource _releaseStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _releasesOpen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _releasesStarted;

        public bool AttemptsHang { get; set; }

        public bool AttemptsFail { get; set; }

        public bool ReleasesThrowDisposed { get; set; }

        public Task ReleaseStarted => _releaseStarted.Task;

        public int ReleasesStarted => Volatile.Read(ref _releasesStarted);

        public void OpenReleases() => _releasesOpen.TrySetResult();

        public override ValueTask<LeaseAttempt> TryAcquireAsync(string name, string owner, TimeSpan expiry, CancellationToken cancellationToken) =>
            AttemptAsync(LeaseAttempt.Held(TimeSpan.FromSeconds(30)), cancellationToken);

        public override ValueTask<LeaseAttempt> TryAcquireOrQueueAsync(
            string name, string owner, TimeSpan expiry, TimeSpan queueFor, TimeSpan handOffLease, CancellationToken cancellationToken) =>
            AttemptAsync(LeaseAttempt.Queued(TimeSpan.FromSeconds(30)), cancellationToken);

        private async ValueTask<LeaseAttempt> AttemptAsync(LeaseAttempt outcome, CancellationToken cancellationToken)
        {
            if (AttemptsFail)
            {
                throw new BackendUnavailableException("gated", "The backend is down.", null);
            }

            if (AttemptsHang)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return outcome;
        }

        public override ValueTask<bool> RenewAsync(string name, string owner, TimeSpan expiry, CancellationToken cancellationToken) =>
            ValueTask.FromResult(false);

        public override async ValueTask<bool> ReleaseAsync(string name, string owner, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _releasesStarted);
            _releaseStarted.TrySetResult();
            ObjectDisposedException.ThrowIf(ReleasesThrowDisposed, this);
            await _releasesOpen.Task;
            return false;
        }

        protected override Task StartReleaseNotificationsAsync() => Task.CompletedTask;
    }
}
