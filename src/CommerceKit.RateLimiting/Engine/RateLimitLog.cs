using Microsoft.Extensions.Logging;

namespace CommerceKit.RateLimiting.Engine;

internal static partial class RateLimitLog
{
    [LoggerMessage(201, LogLevel.Warning, "Rate-limit backend unavailable for {Key}; admitting the request (fail-open)")]
    public static partial void FailedOpen(ILogger logger, string key, Exception exception);

    [LoggerMessage(202, LogLevel.Warning, "Rate-limit backend unavailable for {Key}; rejecting the request (fail-closed)")]
    public static partial void FailedClosed(ILogger logger, string key, Exception exception);

    [LoggerMessage(203, LogLevel.Warning, "Could not return the concurrency permits of {Key}; they expire with their lease")]
    public static partial void ReleaseFailed(ILogger logger, string key, Exception exception);

    [LoggerMessage(205, LogLevel.Warning, "Rate-limit backend {Backend} keeps failing; limiters answer by their failure policy without asking it for {BreakDuration}")]
    public static partial void BreakerOpened(ILogger logger, string backend, TimeSpan breakDuration);

    [LoggerMessage(204, LogLevel.Warning, "Could not renew the concurrency permits of {Key}")]
    public static partial void RenewalFailed(ILogger logger, string key, Exception exception);
}
