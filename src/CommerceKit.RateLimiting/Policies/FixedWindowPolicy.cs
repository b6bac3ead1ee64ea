namespace CommerceKit.RateLimiting;

/// <summary>
/// At most <see cref="RateLimitPolicy.PermitLimit"/> permits per window of <see cref="RateLimitPolicy.Window"/>; windows
/// are aligned to the backend clock's epoch, so every instance counts in the same window. Cheapest, but allows up to
/// twice the limit across a window boundary.
/// </summary>
public sealed class FixedWindowPolicy : RateLimitPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="permitLimit">Permits per window.</param>
    /// <param name="window">The window length.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is not positive, or the window is over 366 days.</exception>
    public FixedWindowPolicy(int permitLimit, TimeSpan window)
        : base(permitLimit, nameof(permitLimit)) => Length = ValidWindow(window, nameof(window));

    /// <inheritdoc/>
    public override TimeSpan? Window => Length;

    /// <summary>The window length.</summary>
    public TimeSpan Length { get; }
}
