namespace CommerceKit.Outbox;

/// <summary>
/// Handles messages of type <typeparamref name="T"/> published in process, resolved from a new DI scope per message.
/// Register it with <c>outbox.AddHandler&lt;T, THandler&gt;()</c>. It may be called more than once for a message
/// (at least once): record <see cref="OutboxEnvelope.Id"/> in an <see cref="IInbox"/> to act once.
/// </summary>
/// <typeparam name="T">The payload's type.</typeparam>
public interface IOutboxHandler<in T>
{
    /// <summary>Handles one message; throws to have it retried later.</summary>
    /// <param name="message">The deserialized payload.</param>
    /// <param name="envelope">The message's id, key, headers and attempt.</param>
    /// <param name="cancellationToken">Cancelled when the dispatcher stops.</param>
    /// <returns>A task that completes when the message is handled.</returns>
    ValueTask HandleAsync(T message, OutboxEnvelope envelope, CancellationToken cancellationToken);
}
