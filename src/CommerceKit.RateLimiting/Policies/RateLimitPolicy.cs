namespace CommerceKit.RateLimiting;

/// <summary>
/// What a distributed limiter enforces: one of <see cref="TokenBucketPolicy"/>, <see cref="SlidingWindowPolicy"/>,
/// <see cref="FixedWindowPolicy"/> or <see cref="ConcurrencyPolicy"/>, plus how the limiter queues and what it does
/// when its backend is down.
/// </summary>
public abstract class RateLimitPolicy
{
    private readonly int _queueLimit;

    private protected RateLimitPolicy(int permitLimit, string permitLimitParamName)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permitLimit, permitLimitParamName);
        PermitLimit = permitLimit;
    }

    /// <summary>The most permits the policy admits per window (or holds at once, for concurrency).</summary>
    public int PermitLimit { get; }

    /// <summary>
    /// How many permits <c>AcquireAsync</c> may keep waiting on this limiter instance; a request beyond it is
    /// rejected at once. A waiting request tries again when the rejection's <c>RetryAfter</c> has passed.
    /// </summary>
    /// <value>The default value is 0: no waiting, a limited request is rejected at once.</value>
    public int QueueLimit
    {
        get => _queueLimit;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(QueueLimit));
            _queueLimit = value;
        }
    }

    /// <summary>What the limiter answers while its backend cannot be reached.</summary>
    /// <value>The default value is <see cref="RateLimitFailureMode.FailOpen"/>.</value>
    public RateLimitFailureMode FailureMode
    {
        get;
        init
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(FailureMode), value, "Unknown failure mode.");
            }

            field = value;
        }
    } = RateLimitFailureMode.FailOpen;

    /// <summary>The window the policy counts over, for the <c>RateLimit-Policy</c> header (<see langword="null"/> for concurrency).</summary>
    public abstract TimeSpan? Window { get; }

    private protected static TimeSpan ValidWindow(TimeSpan window, string paramName)
    {
        if (window < TimeSpan.FromMilliseconds(1) || window > TimeSpan.FromDays(366))
        {
            throw new ArgumentOutOfRangeException(paramName, window, "The window must be between 1 ms and 366 days.");
        }

        return window;
    }
}
