using Microsoft.Extensions.Logging;

namespace CommerceKit.Caching.Engine;

/// <summary>The cache's log messages (event ids 501–599). Keys are not logged: they may hold customer data.</summary>
internal static partial class CachingLog
{
    [LoggerMessage(501, LogLevel.Warning, "A cache factory failed; a stale value of age {Age} is served instead.")]
    public static partial void ServedStale(ILogger logger, TimeSpan age, Exception exception);

    [LoggerMessage(502, LogLevel.Warning, "A cache factory running in the background (early refresh or after a timeout) failed; the cached value stays.")]
    public static partial void BackgroundFactoryFailed(ILogger logger, Exception exception);

    [LoggerMessage(503, LogLevel.Warning, "The cache's second level is unavailable; for the next {BreakDuration} the cache serves from memory and the factory without trying it.")]
    public static partial void SecondLevelUnavailable(ILogger logger, TimeSpan breakDuration, Exception? exception);

    [LoggerMessage(504, LogLevel.Information, "The cache's second level answers again.")]
    public static partial void SecondLevelRestored(ILogger logger);

    [LoggerMessage(505, LogLevel.Warning, "Another instance's load of a cache key did not end within {Wait}; this instance runs the factory itself.")]
    public static partial void LoadWaitExpired(ILogger logger, TimeSpan wait);

    [LoggerMessage(506, LogLevel.Debug, "A cache load lost its lease before it wrote: a newer value or removal stands, and this value stays local.")]
    public static partial void LeaseLost(ILogger logger);

    [LoggerMessage(507, LogLevel.Warning, "A value in the cache's second level could not be read back; it is loaded again.")]
    public static partial void UnreadableValue(ILogger logger, Exception exception);

    [LoggerMessage(508, LogLevel.Information, "Announced {Count} sets, removals and tag removals this instance made while the cache's second level was unavailable.")]
    public static partial void AnnouncedMissedChanges(ILogger logger, int count);

    [LoggerMessage(509, LogLevel.Warning, "More than {Limit} cache changes wait to be announced to the second level; further ones are not remembered.")]
    public static partial void TooManyUnannouncedChanges(ILogger logger, int limit);
}
