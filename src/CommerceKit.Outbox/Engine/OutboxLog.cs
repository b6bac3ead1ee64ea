using Microsoft.Extensions.Logging;

namespace CommerceKit.Outbox.Engine;

internal static partial class OutboxLog
{
    [LoggerMessage(701, LogLevel.Warning, "The outbox backend is unavailable; the dispatcher tries again in {Delay}")]
    public static partial void BackendUnavailable(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(702, LogLevel.Warning, "Publishing outbox message {MessageId} of type {Type} failed (attempt {Attempt}); it is tried again in {Delay}")]
    public static partial void PublishFailed(ILogger logger, Guid messageId, string type, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(703, LogLevel.Error, "Outbox message {MessageId} of type {Type} failed {Attempt} times and is dead-lettered; key {PartitionKey} waits until it is re-driven or purged")]
    public static partial void DeadLettered(ILogger logger, Guid messageId, string type, int attempt, string partitionKey, Exception exception);

    [LoggerMessage(704, LogLevel.Warning, "The outbox dispatcher could not mark {Count} published messages; they will be published again")]
    public static partial void MarkFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(705, LogLevel.Warning, "Outbox maintenance (retention, backlog) failed; it runs again in {Delay}")]
    public static partial void MaintenanceFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(706, LogLevel.Error, "The outbox dispatcher failed unexpectedly; it starts again in {Delay}")]
    public static partial void DispatcherFailed(ILogger logger, TimeSpan delay, Exception exception);
}
