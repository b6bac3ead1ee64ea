namespace CommerceKit.RateLimiting;

/// <summary>
/// A token bucket of <see cref="RateLimitPolicy.PermitLimit"/> tokens that refills completely over
/// <see cref="Period"/>, one token every <c>Period / PermitLimit</c>: bursts up to the limit, a steady rate after.
/// Implemented as GCRA: exact, one value of state per key.
/// </summary>
public sealed class TokenBucketPolicy : RateLimitPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="permitLimit">The bucket size: the largest burst.</param>
    /// <param name="period">How long the bucket takes to refill from empty.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is not positive, or the period is over 366 days.</exception>
    public TokenBucketPolicy(int permitLimit, TimeSpan period)
        : base(permitLimit, nameof(permitLimit)) => Period = ValidWindow(period, nameof(period));

    /// <summary>How long the bucket takes to refill from empty.</summary>
    public TimeSpan Period { get; }

    /// <inheritdoc/>
    public override TimeSpan? Window => Period;

    /// <summary>
    /// The time between two tokens, in whole microseconds rounded up, so that the limiter never admits more than
    /// the nominal rate. Backends count in these units.
    /// </summary>
    public TimeSpan EmissionInterval => TimeSpan.FromTicks(10 * Math.Max(1, ((Period.Ticks / 10) + PermitLimit - 1) / PermitLimit));
}
