namespace CommerceKit.Outbox;

/// <summary>
/// Enqueues messages for the dispatcher to publish. In memory a message is committed by the call; the PostgreSQL
/// backend also enqueues inside the caller's transaction (<c>PostgreSqlOutbox</c>), so the business write and its
/// events commit or roll back together.
/// </summary>
public interface IOutbox
{
    /// <summary>Enqueues <paramref name="message"/> in a transaction of its own: it is published once committed.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels before the message is sent to the backend.</param>
    /// <returns>A task that completes when the message is committed.</returns>
    /// <exception cref="ArgumentException">The message is larger than <see cref="OutboxOptions.MaxPayloadBytes"/> or a header is invalid.</exception>
    /// <exception cref="BackendUnavailableException">The backend could not be reached: the message may not be enqueued.</exception>
    ValueTask EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default);

    /// <summary>Enqueues <paramref name="messages"/> in one transaction of their own: all or none.</summary>
    /// <param name="messages">The messages, published in this order where they share a partition key.</param>
    /// <param name="cancellationToken">Cancels before the messages are sent to the backend.</param>
    /// <returns>A task that completes when the messages are committed.</returns>
    /// <exception cref="ArgumentException">A message is invalid (see <see cref="EnqueueAsync(OutboxMessage, CancellationToken)"/>) or the list is empty.</exception>
    /// <exception cref="BackendUnavailableException">The backend could not be reached: the messages may not be enqueued.</exception>
    ValueTask EnqueueAllAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default);
}
