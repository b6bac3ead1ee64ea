using Polly.CircuitBreaker;
using System.Threading.RateLimiting;

namespace CommerceKit.RateLimiting.Engine;

/// <summary>
/// What every CommerceKit limiter does around its backend's decision: argument checks, the synchronous path,
/// bounded waiting at <c>RetryAfter</c>, the failure policy, statistics and telemetry.
/// </summary>
internal abstract class StoreBackedRateLimiter : RateLimiter
{
    private static readonly TimeSpan FailClosedRetryAfter = TimeSpan.FromSeconds(1);

    // A queued request asks again at least this often (a long retry-after may shrink when permits come back early,
    // as concurrency permits do) and at most this often (a zero retry-after must not spin).
    private static readonly TimeSpan LongestQueuedWait = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan ShortestQueuedWait = TimeSpan.FromMilliseconds(1);

    private long _usesSeen = -1;
    private long _idleSince;
    private long _lastRemaining;
    private long _queued;
    private long _successful;
    private long _failed;
    private int _disposed;

    protected StoreBackedRateLimiter(RateLimiterProvider provider, string key, RateLimitPolicy policy)
    {
        Provider = provider;
        Key = key;
        Policy = policy;
        _lastRemaining = policy.PermitLimit;
        _idleSince = provider.TimeProvider.GetTimestamp();
    }

    /// <summary>
    /// The time since a call of this property first saw no new decision. Decisions only bump the statistics
    /// (reading the clock there would cost more than the in-memory decision itself), so the idle time is as precise
    /// as the caller's polling: a partitioned limiter polls every 100 ms and drops partitions idle for 10 s.
    /// </summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            var uses = Volatile.Read(ref _successful) + Volatile.Read(ref _failed);
            if (uses != Interlocked.Exchange(ref _usesSeen, uses))
            {
                Volatile.Write(ref _idleSince, Provider.TimeProvider.GetTimestamp());
            }

            return Provider.TimeProvider.GetElapsedTime(Volatile.Read(ref _idleSince));
        }
    }

    protected RateLimiterProvider Provider { get; }

    protected string Key { get; }

    protected RateLimitPolicy Policy { get; }

    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = AvailablePermits,
        CurrentQueuedCount = Volatile.Read(ref _queued),
        TotalSuccessfulLeases = Volatile.Read(ref _successful),
        TotalFailedLeases = Volatile.Read(ref _failed),
    };

    /// <summary>The permits left after the last decision, or now when the backend can tell without a request.</summary>
    protected virtual long AvailablePermits => Volatile.Read(ref _lastRemaining);

    protected sealed override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckUsable(permitCount);
        if (TryGrantAtOnce(permitCount) is { } granted)
        {
            return Granted(granted);
        }

        var leaseId = NewLeaseId();
        if (TryDecideNow(permitCount, leaseId, out var decision))
        {
            return Complete(decision, permitCount, leaseId, RateLimitTelemetry.Outcome(decision));
        }

        // A remote backend: never block on the network here. A permit-0 probe answers from the last decision seen.
        return permitCount == 0
            ? new DecisionLease(Volatile.Read(ref _lastRemaining) > 0, new(false, Volatile.Read(ref _lastRemaining), TimeSpan.Zero, TimeSpan.Zero), Policy.PermitLimit, null)
            : new DecisionLease(false, new(false, Volatile.Read(ref _lastRemaining), TimeSpan.Zero, TimeSpan.Zero), Policy.PermitLimit, RateLimitReasons.RequiresAsync);
    }

    protected sealed override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        CheckUsable(permitCount);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<RateLimitLease>(cancellationToken);
        }

        if (TryGrantAtOnce(permitCount) is { } granted)
        {
            return ValueTask.FromResult(Granted(granted));
        }

        // A backend that decides in memory answers without an async state machine unless the request must queue.
        var leaseId = NewLeaseId();
        return TryDecideNow(permitCount, leaseId, out var decision) && (decision.IsGranted || Policy.QueueLimit == 0)
            ? ValueTask.FromResult(Complete(decision, permitCount, leaseId, RateLimitTelemetry.Outcome(decision)))
            : AcquireRemotelyOrQueuedAsync(permitCount, leaseId, cancellationToken);
    }

    // Remote (and queued) decisions are traced and timed; in-memory ones are too quick to be worth either. The first
    // decision is awaited here rather than through DecideAsync: one async state machine less on the path every remote
    // decision takes.
    private async ValueTask<RateLimitLease> AcquireRemotelyOrQueuedAsync(int permitCount, string? leaseId, CancellationToken cancellationToken)
    {
        using var activity = RateLimitTelemetry.Source.StartActivity("commercekit.ratelimit.acquire");
        var startedAt = Provider.TimeProvider.GetTimestamp();
        RateLimitDecision decision;
        DecisionOutcome outcome;
        try
        {
            decision = await GuardedDecideOnceAsync(permitCount, leaseId, cancellationToken).ConfigureAwait(false);
            outcome = RateLimitTelemetry.Outcome(decision);
        }
        catch (Exception exception) when (exception is BackendUnavailableException or BrokenCircuitException)
        {
            (decision, outcome) = Unavailable(exception);
        }

        var lease = decision.IsGranted || Policy.QueueLimit == 0 || outcome != DecisionOutcome.Rejected
            ? Complete(decision, permitCount, leaseId, outcome)
            : await WaitInQueueAsync(permitCount, leaseId, decision, cancellationToken).ConfigureAwait(false);
        RateLimitTelemetry.RecordRemote(activity, Provider.Store.BackendName, lease.IsAcquired, Provider.TimeProvider.GetElapsedTime(startedAt));
        return lease;
    }

    private async ValueTask<RateLimitLease> WaitInQueueAsync(int permitCount, string? leaseId, RateLimitDecision decision, CancellationToken cancellationToken)
    {
        if (Interlocked.Add(ref _queued, permitCount) > Policy.QueueLimit)
        {
            Interlocked.Add(ref _queued, -permitCount);
            return Complete(decision, permitCount, leaseId, DecisionOutcome.QueueFull);
        }

        try
        {
            while (true)
            {
                var wait = TimeSpan.FromTicks(Math.Clamp(decision.RetryAfter.Ticks, ShortestQueuedWait.Ticks, LongestQueuedWait.Ticks));
                await Task.Delay(wait, Provider.TimeProvider, cancellationToken).ConfigureAwait(false);
                var (next, outcome) = await DecideAsync(permitCount, leaseId, cancellationToken).ConfigureAwait(false);
                if (next.IsGranted || outcome != DecisionOutcome.Rejected)
                {
                    return Complete(next, permitCount, leaseId, outcome);
                }

                decision = next;
            }
        }
        finally
        {
            Interlocked.Add(ref _queued, -permitCount);
        }
    }

    protected override void Dispose(bool disposing) => Volatile.Write(ref _disposed, 1);

    /// <summary>The id the permits of one acquisition are held under, for limiters whose leases hold permits.</summary>
    protected virtual string? NewLeaseId() => null;

    /// <summary>A granted lease without a full decision, when the backend has a fast path (see <see cref="RateLimitCounter.TryGrantAtOnce"/>).</summary>
    protected virtual RateLimitLease? TryGrantAtOnce(int permits) => null;

    /// <summary>The backend's decision when it can be made without waiting (in memory).</summary>
    protected abstract bool TryDecideNow(int permits, string? leaseId, out RateLimitDecision decision);

    /// <summary>One decision of the backend.</summary>
    protected abstract ValueTask<RateLimitDecision> DecideOnceAsync(int permits, string? leaseId, CancellationToken cancellationToken);

    /// <summary>The lease of permits granted under <paramref name="leaseId"/>, for limiters whose leases hold permits.</summary>
    protected virtual RateLimitLease Hold(RateLimitDecision decision, string leaseId) => new DecisionLease(true, decision, Policy.PermitLimit, null);

    private async ValueTask<(RateLimitDecision Decision, DecisionOutcome Outcome)> DecideAsync(int permits, string? leaseId, CancellationToken cancellationToken)
    {
        try
        {
            var decision = await GuardedDecideOnceAsync(permits, leaseId, cancellationToken).ConfigureAwait(false);
            return (decision, RateLimitTelemetry.Outcome(decision));
        }
        catch (Exception exception) when (exception is BackendUnavailableException or BrokenCircuitException)
        {
            return Unavailable(exception);
        }
    }

    private ValueTask<RateLimitDecision> GuardedDecideOnceAsync(int permits, string? leaseId, CancellationToken cancellationToken) =>
        Provider.Breaker.ExecuteAsync(
            static (state, token) => state.Limiter.DecideOnceAsync(state.Permits, state.LeaseId, token),
            (Limiter: this, Permits: permits, LeaseId: leaseId),
            cancellationToken);

    // The failure policy's answer while the backend cannot be reached. An open breaker was logged when it opened.
    private (RateLimitDecision Decision, DecisionOutcome Outcome) Unavailable(Exception exception)
    {
        var cause = exception as BackendUnavailableException;
        if (Policy.FailureMode == RateLimitFailureMode.FailOpen)
        {
            if (cause is not null)
            {
                RateLimitLog.FailedOpen(Provider.Logger, Key, cause);
            }

            return (new(true, Volatile.Read(ref _lastRemaining), TimeSpan.Zero, TimeSpan.Zero), DecisionOutcome.FailedOpen);
        }

        if (cause is not null)
        {
            RateLimitLog.FailedClosed(Provider.Logger, Key, cause);
        }

        return (new(false, 0, FailClosedRetryAfter, TimeSpan.Zero), DecisionOutcome.FailedClosed);
    }

    private RateLimitLease Complete(RateLimitDecision decision, int permits, string? leaseId, DecisionOutcome outcome)
    {
        if (outcome == DecisionOutcome.Granted)
        {
            Volatile.Write(ref _lastRemaining, decision.Remaining);
            return Granted(leaseId is null || permits == 0 ? new DecisionLease(true, decision, Policy.PermitLimit, null) : Hold(decision, leaseId));
        }

        RateLimitTelemetry.Record(Provider.Store.BackendName, outcome);
        if (outcome is DecisionOutcome.Rejected or DecisionOutcome.QueueFull)
        {
            Volatile.Write(ref _lastRemaining, decision.Remaining);
        }

        var reason = outcome switch
        {
            DecisionOutcome.QueueFull => RateLimitReasons.QueueFull,
            DecisionOutcome.FailedOpen or DecisionOutcome.FailedClosed => RateLimitReasons.BackendUnavailable,
            _ => null,
        };
        var granted = outcome == DecisionOutcome.FailedOpen;
        _ = granted ? Interlocked.Increment(ref _successful) : Interlocked.Increment(ref _failed);
        var lease = new DecisionLease(granted, decision, Policy.PermitLimit, reason);
        RateLimitLeaseObserver.Notify(lease);
        return lease;
    }

    private RateLimitLease Granted(RateLimitLease lease)
    {
        Interlocked.Increment(ref _successful);
        RateLimitTelemetry.Record(Provider.Store.BackendName, DecisionOutcome.Granted);
        RateLimitLeaseObserver.Notify(lease);
        return lease;
    }

    private void CheckUsable(int permitCount)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (permitCount < 0 || permitCount > Policy.PermitLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"The permit count must be between 0 and the policy's limit ({Policy.PermitLimit}).");
        }
    }
}
