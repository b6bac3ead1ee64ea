namespace CommerceKit.Locking.Engine;

/// <summary>
/// A held lease: renewed by a one-shot timer that is re-armed after each renewal, reporting through
/// <see cref="HandleLost"/> when the lease can no longer be guaranteed. A timer rather than a loop awaiting delays:
/// disposing then costs no canceled task and no exception, which keeps release (the hot path of a hand-off) short.
/// </summary>
internal sealed class LockHandle : ILockHandle
{
    private const int Held = 0;
    private const int Lost = 1;
    private const int Disposed = 2;

    private readonly DistributedLock _lock;
    private readonly string _owner;
    private readonly long _holdUntil;
    private readonly long _expiryTicks;
    private readonly CancellationTokenSource _lost = new();
    private readonly ITimer _renewalTimer;
    private long _validUntil;
    private int _state;

    /// <param name="owningLock">The lock this handle holds.</param>
    /// <param name="owner">The owner id the lease was taken with.</param>
    /// <param name="fencingToken">The lease's fencing token.</param>
    /// <param name="acquiredAt">A timestamp from before the lease was taken: it is valid for <paramref name="lease"/> from then at least.</param>
    /// <param name="lease">How long the backend gave the lease: the expiry, or a hand-off lease the handle renews at once.</param>
    public LockHandle(DistributedLock owningLock, string owner, long fencingToken, long acquiredAt, TimeSpan lease)
    {
        _lock = owningLock;
        _owner = owner;
        FencingToken = fencingToken;
        HandleLost = _lost.Token;
        var options = Provider.Options;
        _expiryTicks = ToTicks(options.Expiry);
        _validUntil = acquiredAt + ToTicks(lease);
        _holdUntil = options.MaxHoldTime is { } maxHold ? acquiredAt + ToTicks(maxHold) : long.MaxValue;
        LockTelemetry.Held.Add(1, new KeyValuePair<string, object?>(CommerceKitDiagnostics.BackendTagName, Provider.Store.BackendName));
        _renewalTimer = Provider.TimeProvider.CreateTimer(static handle => ((LockHandle)handle!).OnRenewalDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        // Armed once assigned: a renewal due at once could otherwise run before the field is set. A lease shorter than
        // the expiry (handed over from a queue) is renewed to the full expiry right away.
        _renewalTimer.Change(lease < options.Expiry ? TimeSpan.Zero : NextRenewal(), Timeout.InfiniteTimeSpan);
    }

    public string Name => _lock.Name;

    public long FencingToken { get; }

    public CancellationToken HandleLost { get; }

    private DistributedLockProvider Provider => _lock.Provider;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, Disposed) == Disposed)
        {
            return;
        }

        // A renewal in flight may still land; its outcome is ignored, and it cannot extend a released lease
        // (renewal only extends a lease this owner still holds).
        await _renewalTimer.DisposeAsync().ConfigureAwait(false);
        LockTelemetry.Held.Add(-1, new KeyValuePair<string, object?>(CommerceKitDiagnostics.BackendTagName, Provider.Store.BackendName));

        // Compare-and-delete: when this lease expired and another holder took over, their lease stays untouched.
        await _lock.ReleaseQuietlyAsync(_owner).ConfigureAwait(false);
    }

    private void OnRenewalDue() => _ = RenewAsync();

    private async Task RenewAsync()
    {
        if (Volatile.Read(ref _state) != Held)
        {
            return;
        }

        var time = Provider.TimeProvider;
        var sentAt = time.GetTimestamp();
        if (sentAt >= _holdUntil)
        {
            MarkLost("max_hold_time", "the maximum hold time passed", null);
            return;
        }

        // A renewal that answers "still yours" proves the lease never lapsed: an expired lease is gone or taken over,
        // and this owner id never comes back. So even when this process was too slow to renew within the lease as
        // measured here (a long GC pause), it asks once more instead of giving up on a lease that may be good.
        var leaseLeft = ToTime(_validUntil - sentAt);
        var answerWithin = leaseLeft > TimeSpan.Zero ? leaseLeft : Provider.Options.EffectiveRenewalInterval;
        bool renewed;
        try
        {
            renewed = await Provider.Store.RenewAsync(Name, _owner, Provider.Options.Expiry, CancellationToken.None)
                .AsTask()
                .WaitAsync(answerWithin, time)
                .ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            MarkLost("renewal_timed_out", "the renewal did not answer before the lease ran out", null);
            return;
        }
        catch (Exception exception)
        {
            // Whatever went wrong (an outage, or a fault in a custom backend), the lease is no longer known to be good.
            MarkLost("renewal_failed", "the renewal failed", exception);
            return;
        }

        if (!renewed)
        {
            MarkLost("lease_gone", "the lease is gone or held by another owner", null);
            return;
        }

        Volatile.Write(ref _validUntil, sentAt + _expiryTicks);
        if (Volatile.Read(ref _state) == Held)
        {
            try
            {
                _renewalTimer.Change(NextRenewal(), Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Disposed while renewing: nothing to schedule.
            }
        }
    }

    private TimeSpan NextRenewal()
    {
        var untilHoldEnds = _holdUntil == long.MaxValue ? TimeSpan.MaxValue : ToTime(_holdUntil - Provider.TimeProvider.GetTimestamp());
        var interval = Provider.Options.EffectiveRenewalInterval;
        return untilHoldEnds < interval ? untilHoldEnds : interval;
    }

    private void MarkLost(string reason, string description, Exception? exception)
    {
        // Only a held lease can be lost: once disposed, the outcome of a late renewal no longer matters.
        if (Interlocked.CompareExchange(ref _state, Lost, Held) != Held)
        {
            return;
        }

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

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Provider.TimeProvider.TimestampFrequency);

    private TimeSpan ToTime(long ticks) =>
        ticks <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)ticks / Provider.TimeProvider.TimestampFrequency);
}
