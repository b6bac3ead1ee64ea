using Microsoft.Extensions.Logging;

namespace CommerceKit.Redis.Outbox;

internal static partial class RedisOutboxLog
{
    [LoggerMessage(701, LogLevel.Warning, "Redis is unavailable; the consumer of topic {Topic} tries again in a second")]
    public static partial void ConsumerUnavailable(ILogger logger, string topic, Exception exception);

    [LoggerMessage(702, LogLevel.Error, "Handling message {MessageId} of topic {Topic} failed; it stays pending and is delivered again when idle")]
    public static partial void HandlerFailed(ILogger logger, Guid messageId, string topic, Exception exception);
}
