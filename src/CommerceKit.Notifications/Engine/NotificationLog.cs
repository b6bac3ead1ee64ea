using Microsoft.Extensions.Logging;

namespace CommerceKit.Notifications.Engine;

internal static partial class NotificationLog
{
    [LoggerMessage(901, LogLevel.Warning, "Provider {Provider} could not send notification {NotificationId}: {Error}; the next provider or channel is tried")]
    public static partial void FailedOver(ILogger logger, string provider, string notificationId, string? error);

    [LoggerMessage(902, LogLevel.Error, "Notification {NotificationId} could not be sent by any provider of any usable channel; it is dead-lettered")]
    public static partial void DeadLettered(ILogger logger, string notificationId);

    [LoggerMessage(903, LogLevel.Warning, "Notification sender work ({Work}) failed; it runs again in {Delay}")]
    public static partial void SenderFailed(ILogger logger, string work, TimeSpan delay, Exception exception);
}
