using System.Diagnostics;

namespace CommerceKit.Locking.Engine;

/// <summary>One named lock of a <see cref="DistributedLockProvider"/>.</summary>
internal sealed class DistributedLock(string name, DistributedLockProvider provider) : IDistributedLock
{
    public string Name { get; } = name;

    internal DistributedLockProvider Provider { get; } = provider;

    public ValueTask<ILockHandle?> TryAcquireAsync(TimeSpan timeout = default, CancellationToken cancellationToken = default)
    {
        ThrowIfInvalid(timeout, nameof(timeout));
        return AcquireCoreAsync(timeout, cancellationToken);
    }

    public async ValueTask<ILockHandle> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? Timeout.InfiniteTimeSpan;
        ThrowIfInvalid(limit, nameof(timeout));
        return await AcquireCoreAsync(limit, cancellationToken).ConfigureAwait(false)
            ?? throw new TimeoutException($"Lock '{Name}' was not acquired within {limit}: another holder kept it.");
    }

    private static void ThrowIfInvalid(TimeSpan timeout, string paramName)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(paramName, timeout, "The timeout must not be negative (use Timeout.InfiniteTimeSpan to wait without limit).");
        }
    }

    private async ValueTask<ILockHandle?> AcquireCoreAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var startedAt = Provider.TimeProvider.GetTimestamp();
        using var activity = LockTelemetry.Source.StartActivity("commercekit.lock.acquire");
        activity?.SetTag(LockTelemetry.LockNameTag, Name);
        activity?.SetTag(CommerceKitDiagnostics.BackendTagName, Provider.Store.BackendName);

        var outcome = "error";
        try
        {
            var handle = timeout == TimeSpan.Zero
                ? await TryOnceAsync(cancellationToken).ConfigureAwait(false)
                : await WaitForLeaseAsync(startedAt, timeout, cancellationToken).ConfigureAwait(false);
            outcome = handle is null ? "timeout" : "acquired";
            activity?.SetTag(LockTelemetry.FencingTokenTag, handle?.FencingToken);
            return handle;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = "canceled";
            throw;
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
        finally
        {
            activity?.SetTag(LockTelemetry.OutcomeTag, outcome);
            LockTelemetry.AcquireDuration.Record(
                Provider.TimeProvider.GetElapsedTime(startedAt).TotalSeconds,
                new(CommerceKitDiagnostics.BackendTagName, Provider.Store.BackendName),
                new(LockTelemetry.OutcomeTag, outcome));
        }
    }

    private async ValueTask<LockHandle?> WaitForLeaseAsync(long startedAt, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var time = Provider.TimeProvider;
        var options = Provider.Options;

        // One owner id for the whole wait: a store that queues waiters hands the lease to the id it queued.
        var owner = NewOwner();
        var waiter = Provider.Waiters.Register(Name, owner);
        LockHandle? handle = null;
        long queuedAt = 0;
        var mayHoldOrBeQueued = false;
        var backendFailed = false;
        try
        {
            // Listen before the first attempt: a release between a failed attempt and the wait then still wakes us.
            try
            {
                await Provider.Store.ListenForReleasesAsync(Provider.Waiters.OnReleased, Provider.Waiters.OnHandedOff, cancellationToken).ConfigureAwait(false);
            }
            catch (BackendUnavailableException exception)
            {
                LockLog.WaitingByPolling(Provider.Logger, Name, exception);
            }

            while (true)
            {
                waiter.Reset();

                // Handed over by a release after an attempt that queued us (sent at queuedAt), so the lease is good for
                // the hand-off lease from then at least; the handle renews it to the full expiry at once.
                if (queuedAt != 0 && waiter.HandedOffToken is var handedOff and > 0)
                {
                    return handle = new LockHandle(this, owner, handedOff, queuedAt, options.HandOffLease);
                }

                cancellationToken.ThrowIfCancellationRequested();
                var left = Left();
                var sentAt = time.GetTimestamp();

                // Until the answer arrives, the store may have taken the lease or queued us: leaving must clean up.
                mayHoldOrBeQueued = true;
                var attempt = await Provider.Store.TryAcquireOrQueueAsync(
                    Name, owner, options.Expiry, Shorter(left, options.HandOffLease), options.HandOffLease, cancellationToken).ConfigureAwait(false);
                if (attempt.IsAcquired)
                {
                    return handle = new LockHandle(this, owner, attempt.FencingToken, sentAt, options.Expiry);
                }

                if (attempt.IsQueued)
                {
                    queuedAt = sentAt;
                }

                mayHoldOrBeQueued = queuedAt != 0;
                left = Left();
                if (left <= TimeSpan.Zero)
                {
                    return null;
                }

                var poll = attempt.IsQueued ? options.QueuedRecheckInterval : options.FallbackPollInterval;
                await waiter.WaitAsync(NextCheck(poll, left, attempt.HolderLeaseRemaining), time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (BackendUnavailableException)
        {
            backendFailed = true;
            throw;
        }
        finally
        {
            Provider.Waiters.Unregister(waiter);
            if (handle is null && mayHoldOrBeQueued)
            {
                // Leave the queue, and pass on a lease taken by an unanswered attempt or handed over while giving up.
                await LeaveAsync(owner, backendFailed).ConfigureAwait(false);
            }
        }

        TimeSpan Left() => timeout == Timeout.InfiniteTimeSpan ? TimeSpan.MaxValue : timeout - time.GetElapsedTime(startedAt);
    }

    // Wake at the latest when the holder's lease runs out (a crashed holder never announces a release), and poll
    // now and then in case a notification was lost; jitter keeps waiters of one lock from polling in step.
    private static TimeSpan NextCheck(TimeSpan pollInterval, TimeSpan left, TimeSpan holderLeaseRemaining)
    {
        var poll = pollInterval * (0.75 + (Random.Shared.NextDouble() / 4));
        var next = holderLeaseRemaining > TimeSpan.Zero && holderLeaseRemaining < poll ? holderLeaseRemaining + TimeSpan.FromMilliseconds(1) : poll;
        return Shorter(next, left);
    }

    private static TimeSpan Shorter(TimeSpan first, TimeSpan second) => first < second ? first : second;

    private static string NewOwner() => Guid.NewGuid().ToString("N");

    private async ValueTask<LockHandle?> TryOnceAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var owner = NewOwner();
        var sentAt = Provider.TimeProvider.GetTimestamp();
        LeaseAttempt attempt;
        try
        {
            attempt = await Provider.Store.TryAcquireAsync(Name, owner, Provider.Options.Expiry, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The backend may have taken the lease before the answer was lost: give it back, so nothing stays held.
            await LeaveAsync(owner, exception is BackendUnavailableException).ConfigureAwait(false);
            throw;
        }

        return attempt.IsAcquired ? new LockHandle(this, owner, attempt.FencingToken, sentAt, Provider.Options.Expiry) : null;
    }

    // A caller that gives up gets its answer only after its lease and place in the queue are gone, so a release that
    // follows cannot hand the lease to it. Behind a failing backend the cleanup goes on in the background instead:
    // the caller should not wait out the outage twice, and the lease runs out anyway.
    private Task LeaveAsync(string owner, bool backendFailed)
    {
        var leaving = ReleaseQuietlyAsync(owner);
        return backendFailed ? Task.CompletedTask : leaving;
    }

    internal async Task ReleaseQuietlyAsync(string owner)
    {
        try
        {
            await Provider.Store.ReleaseAsync(Name, owner, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is BackendUnavailableException or ObjectDisposedException)
        {
            // A backend already disposed (the host shutting down) must not make a release or a caller's cleanup throw.
            LockLog.ReleaseFailed(Provider.Logger, Name, exception);
        }
    }
}
