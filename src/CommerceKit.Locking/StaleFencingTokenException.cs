namespace CommerceKit.Locking;

/// <summary>
/// A fenced write carried a fencing token older than one already seen for its resource: the writer's lease
/// expired and a newer holder has written since. The write was not applied.
/// </summary>
public sealed class StaleFencingTokenException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public StaleFencingTokenException()
        : this("The fencing token is older than the last one seen for the resource.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public StaleFencingTokenException(string message)
        : base(message)
    {
        Resource = "";
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public StaleFencingTokenException(string message, Exception innerException)
        : base(message, innerException)
    {
        Resource = "";
    }

    /// <summary>Creates the exception for a rejected write.</summary>
    /// <param name="resource">The resource the write was for.</param>
    /// <param name="fencingToken">The rejected token.</param>
    /// <param name="currentToken">The newest token seen for the resource, when known.</param>
    public StaleFencingTokenException(string resource, long fencingToken, long? currentToken)
        : base($"The write to '{resource}' carried fencing token {fencingToken}, older than {(currentToken is { } current ? current.ToString(System.Globalization.CultureInfo.InvariantCulture) : "the last one seen")}; a newer lock holder has written since.")
    {
        Resource = resource;
        FencingToken = fencingToken;
        CurrentToken = currentToken;
    }

    /// <summary>The resource the rejected write was for.</summary>
    public string Resource { get; }

    /// <summary>The rejected token.</summary>
    public long FencingToken { get; }

    /// <summary>The newest token seen for the resource, when known.</summary>
    public long? CurrentToken { get; }
}
