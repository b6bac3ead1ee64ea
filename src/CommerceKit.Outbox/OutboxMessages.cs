using System.Diagnostics;

namespace CommerceKit.Outbox;

/// <summary>
/// What every enqueue does before a message reaches a backend, on every path (the outbox's own transaction, the
/// caller's transaction, a backend of your own): it refuses an invalid message and records the enqueuing trace.
/// </summary>
public static class OutboxMessages
{
    /// <summary>The header carrying the enqueuing trace (W3C trace context).</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>The longest header name or value accepted.</summary>
    public const int MaxHeaderLength = 4096;

    /// <summary>
    /// Checks <paramref name="message"/> and returns it with the current trace's <c>traceparent</c> header added (unless
    /// it has one).
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="maxPayloadBytes">The largest payload accepted (<see cref="OutboxOptions.MaxPayloadBytes"/>).</param>
    /// <param name="paramName">The caller's parameter name, for the exception.</param>
    /// <returns>The message to store.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The payload is too large, the id is empty, or a header is invalid.</exception>
    public static OutboxMessage Prepare(OutboxMessage message, int maxPayloadBytes, string paramName = "message")
    {
        ArgumentNullException.ThrowIfNull(message, paramName);
        if (message.Id == Guid.Empty)
        {
            throw new ArgumentException("The message id must not be empty.", paramName);
        }

        if (message.Payload.Length > maxPayloadBytes)
        {
            throw new ArgumentException(
                $"The message payload is {message.Payload.Length} bytes; the outbox accepts at most {maxPayloadBytes} (OutboxOptions.MaxPayloadBytes).",
                paramName);
        }

        if (message.PartitionKey is not null && !KeyGuard.IsValid(message.PartitionKey))
        {
            throw new ArgumentException("The partition key must be 1 to 256 characters with no control characters.", paramName);
        }

        ArgumentNullException.ThrowIfNull(message.Headers, paramName);
        foreach (var (name, value) in message.Headers)
        {
            if (!KeyGuard.IsValid(name, MaxHeaderLength) || value is null || value.Length > MaxHeaderLength)
            {
                throw new ArgumentException($"The header '{name}' must have a valid name and a value of at most {MaxHeaderLength} characters.", paramName);
            }
        }

        if (Activity.Current is { } activity && !message.Headers.ContainsKey(TraceParentHeader) && activity.IdFormat == ActivityIdFormat.W3C)
        {
            return message with { Headers = new Dictionary<string, string>(message.Headers) { [TraceParentHeader] = activity.Id! } };
        }

        return message;
    }
}
