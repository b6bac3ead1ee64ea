namespace CommerceKit.Idempotency;

/// <summary>The base of the exceptions <see cref="IIdempotencyExecutor"/> throws instead of running an operation.</summary>
public abstract class IdempotencyException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    protected IdempotencyException(string message)
        : base(message)
    {
    }
}
