namespace CommerceKit.Sagas;

/// <summary>How one step (and its compensation) is timed and retried; what is left unset comes from <see cref="SagaOptions"/>.</summary>
public sealed record SagaStepOptions
{
    /// <summary>How long one attempt may run before it is cancelled and counted as a (transient) failure.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How many attempts the step gets before it fails with <see cref="SagaStepStatus.RetriesExhausted"/>.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>The delay before the second attempt; it doubles with each further attempt, with jitter.</summary>
    public TimeSpan? RetryDelay { get; init; }

    /// <summary>
    /// Which exceptions are worth another attempt. <see cref="SagaStepFailedException"/> never is; by default every
    /// other exception is.
    /// </summary>
    public Func<Exception, bool>? ShouldRetry { get; init; }
}
