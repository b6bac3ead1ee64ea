namespace CommerceKit;

/// <summary>
/// The one exception CommerceKit throws when a backend (Redis, PostgreSQL) cannot be reached or cannot
/// serve a request, after the configured resilience policy gave up. The driver's exception is the
/// <see cref="Exception.InnerException"/>. An operation that throws it has either not happened or will be
/// reported by the feature as not done; it is never half done.
/// </summary>
/// <remarks>An HTTP application answers it with 503 Service Unavailable (code <c>backend_unavailable</c>).</remarks>
public sealed class BackendUnavailableException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public BackendUnavailableException()
        : this("A CommerceKit backend is unavailable.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What could not be done.</param>
    public BackendUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the driver's exception.</summary>
    /// <param name="message">What could not be done.</param>
    /// <param name="innerException">The driver's exception.</param>
    public BackendUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the backend that failed.</summary>
    /// <param name="backend">The backend: <c>redis</c> or <c>postgresql</c>.</param>
    /// <param name="message">What could not be done.</param>
    /// <param name="innerException">The driver's exception.</param>
    public BackendUnavailableException(string backend, string message, Exception? innerException)
        : base(message, innerException)
    {
        Backend = backend;
    }

    /// <summary>The backend that failed (<c>redis</c>, <c>postgresql</c>), when known.</summary>
    public string? Backend { get; }
}
