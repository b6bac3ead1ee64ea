namespace CommerceKit.RateLimiting;

/// <summary>What a distributed limiter answers while its backend cannot be reached. Neither choice throws.</summary>
public enum RateLimitFailureMode
{
    /// <summary>
    /// Admit the request, count it in <c>commercekit.ratelimit.decisions</c> with outcome <c>failed_open</c> and log a
    /// warning: for limits that protect capacity, where refusing every customer during an outage is worse.
    /// </summary>
    FailOpen,

    /// <summary>
    /// Reject the request with the reason <see cref="RateLimitReasons.BackendUnavailable"/>: for limits that guard
    /// money or abuse, where admitting without counting is worse.
    /// </summary>
    FailClosed,
}
