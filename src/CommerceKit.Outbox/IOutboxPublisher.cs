namespace CommerceKit.Outbox;

/// <summary>
/// The transport the dispatcher publishes through: in-process handlers by default (<see cref="IOutboxHandler{T}"/>),
/// Redis Streams with <c>UseRedisStreams()</c>, or your own (Kafka, RabbitMQ …) with
/// <c>outbox.UsePublisher&lt;T&gt;()</c>.
/// </summary>
/// <remarks>
/// Delivery is at least once: a dispatcher that crashes after publishing and before marking a message published
/// leaves it to be published again, so consumers deduplicate by <see cref="OutboxEnvelope.Id"/> (see <see cref="IInbox"/>).
/// </remarks>
public interface IOutboxPublisher
{
    /// <summary>Publishes one message; throws to have it retried later.</summary>
    /// <param name="envelope">The message.</param>
    /// <param name="cancellationToken">Cancelled when the dispatcher stops.</param>
    /// <returns>A task that completes when the message is published.</returns>
    ValueTask PublishAsync(OutboxEnvelope envelope, CancellationToken cancellationToken);
}
