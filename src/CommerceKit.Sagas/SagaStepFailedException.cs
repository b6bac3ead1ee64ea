namespace CommerceKit.Sagas;

/// <summary>
/// Thrown by a step to fail it for good, without retries: the step did nothing (a declined card), so the saga
/// compensates the steps before it. Any other exception is retried as the step's options say.
/// </summary>
public sealed class SagaStepFailedException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public SagaStepFailedException()
        : this("The saga step failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why the step failed; kept in the saga's journal.</param>
    public SagaStepFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">Why the step failed; kept in the saga's journal.</param>
    /// <param name="innerException">The cause.</param>
    public SagaStepFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
