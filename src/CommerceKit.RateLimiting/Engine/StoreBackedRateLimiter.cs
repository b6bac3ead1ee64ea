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

    private long _lastUsed;
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
        _lastUsed = provider.TimeProvider.GetTimestamp();
    }

    public override TimeSpan? IdleDuration => Provider.TimeProvider.GetElapsedTime(Volatile.Read(ref _lastUsed));

    protected RateLimiterProvider Provider { get; }

    protected string Key { get; }

    protected RateLimitPolicy Policy { get; }

    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = Volatile.Read(ref _lastRemaining),
        CurrentQueuedCount = Volatile.Read(ref _queued),
        TotalSuccessfulLeases = Volatile.Read(ref _successful),
        TotalFailedLeases = Volatile.Read(ref _failed),
    };

    protected sealed override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckUsable(permitCount);
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

    protected sealed override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        CheckUsable(permitCount);
        var leaseId = NewLeaseId();
        var (decision, outcome) = await DecideAsync(permitCount, leaseId, cancellationToken).ConfigureAwait(false);
        if (decision.IsGranted || Policy.QueueLimit == 0 || outcome != RateLimitTelemetry.Rejected)
        {
            return Complete(decision, permitCount, leaseId, outcome);
        }

        if (Interlocked.Add(ref _queued, permitCount) > Policy.QueueLimit)
        {
            Interlocked.Add(ref _queued, -permitCount);
            return Complete(decision, permitCount, leaseId, RateLimitTelemetry.QueueFull, RateLimitReasons.QueueFull);
        }

        try
        {
            while (true)
            {
                var wait = TimeSpan.FromTicks(Math.Clamp(decision.RetryAfter.Ticks, ShortestQueuedWait.Ticks, LongestQueuedWait.Ticks));
                await Task.Delay(wait, Provider.TimeProvider, cancellationToken).ConfigureAwait(false);
                (decision, outcome) = await DecideAsync(permitCount, leaseId, cancellationToken).ConfigureAwait(false);
                if (decision.IsGranted || outcome != RateLimitTelemetry.Rejected)
                {
                    return Complete(decision, permitCount, leaseId, outcome);
                }
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

    /// <summary>The backend's decision when it can be made without waiting (in memory).</summary>
    protected abstract bool TryDecideNow(int permits, string? leaseId, out RateLimitDecision decision);

    /// <summary>One decision of the backend.</summary>
    protected abstract ValueTask<RateLimitDecision> DecideOnceAsync(int permits, string? leaseId, CancellationToken cancellationToken);

    /// <summary>The lease of a granted decision.</summary>
    protected virtual RateLimitLease Granted(RateLimitDecision decision, int permits, string? leaseId, string? reason) =>
        new DecisionLease(true, decision, Policy.PermitLimit, reason);

    private async ValueTask<(RateLimitDecision Decision, string Outcome)> DecideAsync(int permits, string? leaseId, CancellationToken cancellationToken)
    {
        try
        {
            var decision = await DecideOnceAsync(permits, leaseId, cancellationToken).ConfigureAwait(false);
            return (decision, RateLimitTelemetry.Outcome(decision));
        }
        catch (BackendUnavailableException exception)
        {
            if (Policy.FailureMode == RateLimitFailureMode.FailOpen)
            {
                RateLimitLog.FailedOpen(Provider.Logger, Key, exception);
                return (new(true, Volatile.Read(ref _lastRemaining), TimeSpan.Zero, TimeSpan.Zero), RateLimitTelemetry.FailedOpen);
            }

            RateLimitLog.FailedClosed(Provider.Logger, Key, exception);
            return (new(false, 0, FailClosedRetryAfter, TimeSpan.Zero), RateLimitTelemetry.FailedClosed);
        }
    }

    private RateLimitLease Complete(RateLimitDecision decision, int permits, string? leaseId, string outcome, string? reason = null)
    {
        Volatile.Write(ref _lastUsed, Provider.TimeProvider.GetTimestamp());
        RateLimitTelemetry.Record(Provider.Store.BackendName, outcome);
        reason ??= outcome switch
        {
            RateLimitTelemetry.FailedClosed => RateLimitReasons.BackendUnavailable,
            _ => null,
        };

        if (outcome != RateLimitTelemetry.FailedOpen && outcome != RateLimitTelemetry.FailedClosed)
        {
            Volatile.Write(ref _lastRemaining, decision.Remaining);
        }

        RateLimitLease lease;
        if (decision.IsGranted)
        {
            Interlocked.Increment(ref _successful);
            lease = Granted(decision, permits, outcome == RateLimitTelemetry.FailedOpen ? null : leaseId, outcome == RateLimitTelemetry.FailedOpen ? RateLimitReasons.BackendUnavailable : reason);
        }
        else
        {
            Interlocked.Increment(ref _failed);
            lease = new DecisionLease(false, decision, Policy.PermitLimit, reason);
        }

        RateLimitLeaseObserver.Current?.Invoke(lease);
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
