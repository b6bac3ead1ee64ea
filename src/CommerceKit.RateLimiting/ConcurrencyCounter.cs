namespace CommerceKit.RateLimiting;

/// <summary>The permits held under one key of a concurrency policy, each by a lease that expires unless renewed.</summary>
public abstract class ConcurrencyCounter
{
    /// <summary>
    /// Grants <paramref name="permits"/> to a new lease <paramref name="leaseId"/> when fewer than the limit would be
    /// held; expired leases do not count. With <paramref name="permits"/> 0, only answers.
    /// </summary>
    /// <param name="leaseId">A new, unique lease id.</param>
    /// <param name="permits">0 to the policy's limit.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>The decision.</returns>
    public abstract ValueTask<RateLimitDecision> AcquireAsync(string leaseId, int permits, CancellationToken cancellationToken);

    /// <summary>Extends a lease by the policy's lifetime, from now on the backend's clock.</summary>
    /// <param name="leaseId">The lease.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns><see langword="false"/> when the lease had already expired or been released.</returns>
    public abstract ValueTask<bool> RenewAsync(string leaseId, CancellationToken cancellationToken);

    /// <summary>Returns a lease's permits.</summary>
    /// <param name="leaseId">The lease.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>A task that completes when the permits are back.</returns>
    public abstract ValueTask ReleaseAsync(string leaseId, CancellationToken cancellationToken);

    /// <summary>
    /// Decides without waiting, when the backend can (in-memory can, remote backends cannot): the synchronous
    /// <c>AttemptAcquire</c> path.
    /// </summary>
    /// <param name="leaseId">As for <see cref="AcquireAsync"/>.</param>
    /// <param name="permits">As for <see cref="AcquireAsync"/>.</param>
    /// <param name="decision">The decision, when one was made.</param>
    /// <returns><see langword="false"/> when only <see cref="AcquireAsync"/> can decide.</returns>
    public virtual bool TryAcquireNow(string leaseId, int permits, out RateLimitDecision decision)
    {
        decision = default;
        return false;
    }
}
