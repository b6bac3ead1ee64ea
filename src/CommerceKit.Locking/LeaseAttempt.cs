namespace CommerceKit.Locking;

/// <summary>The outcome of <see cref="LockLeaseStore.TryAcquireAsync"/>.</summary>
public readonly record struct LeaseAttempt
{
    private LeaseAttempt(long fencingToken, TimeSpan holderLeaseRemaining)
    {
        FencingToken = fencingToken;
        HolderLeaseRemaining = holderLeaseRemaining;
    }

    /// <summary>Whether the lease was taken.</summary>
    public bool IsAcquired => FencingToken > 0;

    /// <summary>The fencing token of the taken lease; 0 when it was not taken.</summary>
    public long FencingToken { get; }

    /// <summary>When not taken: how long the current holder's lease has left (zero when unknown).</summary>
    public TimeSpan HolderLeaseRemaining { get; }

    /// <summary>The lease was taken with <paramref name="fencingToken"/>.</summary>
    /// <param name="fencingToken">The token; positive.</param>
    /// <returns>The outcome.</returns>
    public static LeaseAttempt Acquired(long fencingToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fencingToken);
        return new(fencingToken, TimeSpan.Zero);
    }

    /// <summary>Another owner holds the lease for <paramref name="remaining"/> more.</summary>
    /// <param name="remaining">The holder's remaining lease; zero when unknown.</param>
    /// <returns>The outcome.</returns>
    public static LeaseAttempt Held(TimeSpan remaining) => new(0, remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining);
}
