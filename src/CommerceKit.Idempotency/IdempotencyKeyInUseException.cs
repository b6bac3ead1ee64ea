namespace CommerceKit.Idempotency;

/// <summary>
/// Another attempt with the same key is still running (HTTP 409 <c>idempotency_key_in_use</c>): try again after
/// <see cref="RetryAfter"/>, when the first attempt's response can be replayed.
/// </summary>
public sealed class IdempotencyKeyInUseException : IdempotencyException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="retryAfter">When to try again.</param>
    public IdempotencyKeyInUseException(TimeSpan retryAfter)
        : this(retryAfter, "A request with the same idempotency key is still being processed; try again later.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="retryAfter">When to try again.</param>
    /// <param name="message">The message.</param>
    public IdempotencyKeyInUseException(TimeSpan retryAfter, string message)
        : base(message)
    {
        RetryAfter = retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter;
    }

    /// <summary>
    /// When to try again: a short hint of about how long the first attempt should still take (judged by how long
    /// operations have taken), never later than its lease runs out.
    /// </summary>
    public TimeSpan RetryAfter { get; }
}
