namespace CommerceKit.RateLimiting;

/// <summary>
/// A distributed semaphore: at most <see cref="RateLimitPolicy.PermitLimit"/> permits held at once across every
/// instance. A held permit is renewed while its lease lives and expires <see cref="LeaseLifetime"/> after its holder
/// dies, so a crash cannot leak permits.
/// </summary>
public sealed class ConcurrencyPolicy : RateLimitPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="permitLimit">Permits held at once.</param>
    /// <param name="leaseLifetime">How long a permit outlives a holder that stopped renewing it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is not positive, or the lifetime is under 100 ms or over 366 days.</exception>
    public ConcurrencyPolicy(int permitLimit, TimeSpan leaseLifetime)
        : base(permitLimit, nameof(permitLimit))
    {
        if (leaseLifetime < TimeSpan.FromMilliseconds(100))
        {
            throw new ArgumentOutOfRangeException(nameof(leaseLifetime), leaseLifetime, "The lease lifetime must be at least 100 ms.");
        }

        LeaseLifetime = ValidWindow(leaseLifetime, nameof(leaseLifetime));
    }

    /// <summary>How long a permit outlives a holder that stopped renewing it; held permits are renewed every third of it.</summary>
    public TimeSpan LeaseLifetime { get; }

    /// <summary>
    /// When a rejected caller should try again: releases are not announced, so this is a hint, not a promise.
    /// </summary>
    /// <value>The default value is 100 milliseconds.</value>
    public TimeSpan RetryInterval
    {
        get;
        init => field = ValidWindow(value, nameof(RetryInterval));
    } = TimeSpan.FromMilliseconds(100);

    /// <inheritdoc/>
    public override TimeSpan? Window => null;
}
