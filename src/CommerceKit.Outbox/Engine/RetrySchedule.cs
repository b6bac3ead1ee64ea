namespace CommerceKit.Outbox.Engine;

/// <summary>
/// The delay before a failed message's next attempt: <see cref="OutboxOptions.RetryDelay"/> doubled for each attempt
/// after the first, at most <see cref="OutboxOptions.MaxRetryDelay"/>, with ±20 % jitter so that messages failing
/// together do not retry together. It is stored with the message (attempts outlive the dispatcher), which is why
/// Polly's in-process retry loop is not used here.
/// </summary>
internal static class RetrySchedule
{
    public static TimeSpan DelayAfter(int failedAttempt, OutboxOptions options)
    {
        var exponential = options.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failedAttempt - 1, 30));
        var capped = Math.Min(exponential, options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }
}
