namespace CommerceKit.Locking;

/// <summary>The outcome of <see cref="LockLeaseStore.TryAcquireAsync"/>.</summary>
public readonly record struct LeaseAttempt
{
    private LeaseAttempt(long fencingToken, TimeSpan holderLeaseRemaining, bool isQueued)
    {
        FencingToken = fencingToken;
        HolderLeaseRemaining = holderLeaseRemaining;
        IsQueued = isQueued;
    }

    /// <summary>Whether the lease was taken.</summary>
    public bool IsAcquired => FencingToken > 0;

    /// <summary>The fencing token of the taken lease; 0 when it was not taken.</summary>
    public long FencingToken { get; }

    /// <summary>When not taken: how long the current holder's lease has left (zero when unknown).</summary>
    public TimeSpan HolderLeaseRemaining { get; }

    /// <summary>
    /// When not taken: whether the owner now waits in the store's queue, so that a release may hand the lease
    /// straight to it (see <see cref="LockLeaseStore.TryAcquireOrQueueAsync"/>).
    /// </summary>
    public bool IsQueued { get; }

    /// <summary>The lease was taken with <paramref name="fencingToken"/>.</summary>
    /// <param name="fencingToken">The token; positive.</param>
    /// <returns>The outcome.</returns>
    public static LeaseAttempt Acquired(long fencingToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fencingToken);
        return new(fencingToken, TimeSpan.Zero, false);
    }

    /// <summary>Another owner holds the lease for <paramref name="remaining"/> more.</summary>
    /// <param name="remaining">The holder's remaining lease; zero when unknown.</param>
    /// <returns>The outcome.</returns>
    public static LeaseAttempt Held(TimeSpan remaining) => new(0, NotNegative(remaining), false);

    /// <summary>Another owner holds the lease for <paramref name="remaining"/> more; the caller is queued for a hand-off.</summary>
    /// <param name="remaining">The holder's remaining lease; zero when unknown.</param>
    /// <returns>The outcome.</returns>
    public static LeaseAttempt Queued(TimeSpan remaining) => new(0, NotNegative(remaining), true);

    private static TimeSpan NotNegative(TimeSpan span) => span < TimeSpan.Zero ? TimeSpan.Zero : span;
}
