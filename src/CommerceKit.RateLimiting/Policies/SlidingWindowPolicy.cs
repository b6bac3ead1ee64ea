namespace CommerceKit.RateLimiting;

/// <summary>
/// At most <see cref="RateLimitPolicy.PermitLimit"/> permits in any window of <see cref="RateLimitPolicy.Window"/>,
/// wherever it starts: exact, keeping one entry per admitted request in the window (so state grows with the limit,
/// unlike <see cref="TokenBucketPolicy"/>).
/// </summary>
public sealed class SlidingWindowPolicy : RateLimitPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="permitLimit">Permits in any window.</param>
    /// <param name="window">The window length.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is not positive, or the window is over 366 days.</exception>
    public SlidingWindowPolicy(int permitLimit, TimeSpan window)
        : base(permitLimit, nameof(permitLimit)) => Length = ValidWindow(window, nameof(window));

    /// <inheritdoc/>
    public override TimeSpan? Window => Length;

    /// <summary>The window length.</summary>
    public TimeSpan Length { get; }
}
