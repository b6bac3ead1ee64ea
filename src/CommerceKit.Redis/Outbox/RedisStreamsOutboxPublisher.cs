using CommerceKit.Outbox;
using CommerceKit.Redis.Connection;
using Microsoft.Extensions.Options;

namespace CommerceKit.Redis.Outbox;

/// <summary>
/// Publishes each outbox message to its topic's stream with <c>XADD … MAXLEN ~</c>. At least once: a message whose
/// dispatcher crashed before marking it is added again, so consumers deduplicate by id (<see cref="IInbox"/>).
/// </summary>
internal sealed class RedisStreamsOutboxPublisher(RedisConnection connection, IOptions<RedisStreamsOptions> options) : IOutboxPublisher
{
    public async ValueTask PublishAsync(OutboxEnvelope envelope, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var stream = RedisStreamFields.StreamKey(connection.Keys, settings.TopicOf(envelope.Type));
        await connection.ExecuteAsync(
            static (database, request) => database.StreamAddAsync(
                request.Stream, RedisStreamFields.Write(request.Envelope), maxLength: (int)Math.Min(request.MaxLength, int.MaxValue), useApproximateMaxLength: true),
            (Stream: stream, Envelope: envelope, MaxLength: settings.MaxLength),
            cancellationToken).ConfigureAwait(false);
    }
}
