namespace CommerceKit.Locking.Engine;

/// <summary>A held lease: renewed in the background until disposed, reporting through <see cref="HandleLost"/> when it can no longer be guaranteed.</summary>
internal sealed class LockHandle : ILockHandle
{
    private readonly DistributedLock _lock;
    private readonly string _owner;
    private readonly long _acquiredAt;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stopRenewing = new();
    private readonly Task _renewal;
    private int _disposed;

    /// <param name="owningLock">The lock this handle holds.</param>
    /// <param name="owner">The owner id the lease was taken with.</param>
    /// <param name="fencingToken">The lease's fencing token.</param>
    /// <param name="acquiredAt">The timestamp from before the acquire request was sent: the lease is valid for the expiry from then at least.</param>
    public LockHandle(DistributedLock owningLock, string owner, long fencingToken, long acquiredAt)
    {
        _lock = owningLock;
        _owner = owner;
        _acquiredAt = acquiredAt;
        FencingToken = fencingToken;
        HandleLost = _lost.Token;
        LockTelemetry.Held.Add(1, new KeyValuePair<string, object?>(CommerceKitDiagnostics.BackendTagName, Provider.Store.BackendName));
        _renewal = RenewUntilStoppedAsync();
    }

    public string Name => _lock.Name;

    public long FencingToken { get; }

    public CancellationToken HandleLost { get; }

    private DistributedLockProvider Provider => _lock.Provider;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopRenewing.CancelAsync().ConfigureAwait(false);
        await _renewal.ConfigureAwait(false);
        _stopRenewing.Dispose();
        LockTelemetry.Held.Add(-1, new KeyValuePair<string, object?>(CommerceKitDiagnostics.BackendTagName, Provider.Store.BackendName));

        // Compare-and-delete: when this lease expired and another holder took over, their lease stays untouched.
        await _lock.ReleaseQuietlyAsync(_owner).ConfigureAwait(false);
    }

    private async Task RenewUntilStoppedAsync()
    {
        var time = Provider.TimeProvider;
        var options = Provider.Options;
        var validUntil = _acquiredAt + ToTicks(options.Expiry, time);
        var holdUntil = options.MaxHoldTime is { } maxHold ? _acquiredAt + ToTicks(maxHold, time) : long.MaxValue;
        var stop = _stopRenewing.Token;
        try
        {
            while (true)
            {
                var untilHoldEnds = TicksToTime(holdUntil - time.GetTimestamp(), time);
                await Task.Delay(Min(options.EffectiveRenewalInterval, untilHoldEnds), time, stop).ConfigureAwait(false);
                if (time.GetTimestamp() >= holdUntil)
                {
                    MarkLost("max_hold_time", "the maximum hold time passed", null);
                    return;
                }

                // A renewal that answers "still yours" proves the lease never lapsed: an expired lease is gone or taken
                // over, and this owner id never comes back. So even when this process was too slow to renew within the
                // lease as measured here, it asks once more instead of giving up on a lease that may be good.
                var sentAt = time.GetTimestamp();
                var leaseLeft = TicksToTime(validUntil - sentAt, time);
                var answerWithin = leaseLeft > TimeSpan.Zero ? leaseLeft : options.EffectiveRenewalInterval;

                bool renewed;
                try
                {
                    renewed = await Provider.Store.RenewAsync(Name, _owner, options.Expiry, stop)
                        .AsTask()
                        .WaitAsync(answerWithin, time, stop)
                        .ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    MarkLost("renewal_timed_out", "the renewal did not answer before the lease ran out", null);
                    return;
                }
                catch (BackendUnavailableException exception)
                {
                    MarkLost("renewal_failed", "the renewal failed", exception);
                    return;
                }

                if (!renewed)
                {
                    MarkLost("lease_gone", "the lease is gone or held by another owner", null);
                    return;
                }

                validUntil = sentAt + ToTicks(options.Expiry, time);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed: the lease is released next.
        }
    }

    private void MarkLost(string reason, string description, Exception? exception)
    {
        LockLog.LeaseLost(Provider.Logger, Name, FencingToken, description, exception);
        LockTelemetry.Lost.Add(
            1,
            new KeyValuePair<string, object?>(CommerceKitDiagnostics.BackendTagName, Provider.Store.BackendName),
            new KeyValuePair<string, object?>(LockTelemetry.ReasonTag, reason));
        try
        {
            _lost.Cancel();
        }
        catch (AggregateException callbackFailure)
        {
            // A failing callback of the application must not stop the others from hearing about the loss.
            LockLog.LostCallbackFailed(Provider.Logger, Name, callbackFailure);
        }
    }

    private static long ToTicks(TimeSpan span, TimeProvider time) => (long)(span.TotalSeconds * time.TimestampFrequency);

    private static TimeSpan TicksToTime(long ticks, TimeProvider time) =>
        ticks <= 0 ? TimeSpan.Zero
        : ticks >= long.MaxValue / 2 ? Timeout.InfiniteTimeSpan
        : TimeSpan.FromSeconds((double)ticks / time.TimestampFrequency);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => b == Timeout.InfiniteTimeSpan || a <= b ? a : b;
}
