namespace CommerceKit.Outbox;

/// <summary>
/// Makes a consumer effectively-once over at-least-once delivery: it runs a handler for a message id only if the
/// consumer has not processed that id before, and records the id when, and only when, the handler succeeds. A
/// redelivered message is then a no-op. On PostgreSQL the record commits in the handler's own transaction
/// (<c>PostgreSqlInbox</c>).
/// </summary>
public interface IInbox
{
    /// <summary>
    /// Runs <paramref name="handler"/> unless <paramref name="consumer"/> already processed <paramref name="messageId"/>.
    /// A concurrent delivery of the same id waits for this one and then does nothing, or runs if this one failed.
    /// </summary>
    /// <param name="consumer">The consumer's name (1 to 256 characters): each consumer processes every message once.</param>
    /// <param name="messageId">The message's id (<see cref="OutboxEnvelope.Id"/>).</param>
    /// <param name="handler">The work; when it throws, nothing is recorded and the exception propagates.</param>
    /// <param name="cancellationToken">Cancels the wait and is passed to the handler.</param>
    /// <returns><see langword="true"/> when the handler ran; <see langword="false"/> for a duplicate.</returns>
    /// <exception cref="ArgumentException">The consumer is not a valid key or the id is empty.</exception>
    /// <exception cref="BackendUnavailableException">The backend could not be reached.</exception>
    ValueTask<bool> ProcessOnceAsync(string consumer, Guid messageId, Func<CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default);
}
