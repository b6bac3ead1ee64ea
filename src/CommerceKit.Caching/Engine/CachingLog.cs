using Microsoft.Extensions.Logging;

namespace CommerceKit.Caching.Engine;

/// <summary>The cache's log messages (event ids 501–599). Keys are not logged: they may hold customer data.</summary>
internal static partial class CachingLog
{
    [LoggerMessage(501, LogLevel.Warning, "A cache factory failed; a stale value of age {Age} is served instead.")]
    public static partial void ServedStale(ILogger logger, TimeSpan age, Exception exception);

    [LoggerMessage(502, LogLevel.Warning, "A cache factory running in the background (early refresh or after a timeout) failed; the cached value stays.")]
    public static partial void BackgroundFactoryFailed(ILogger logger, Exception exception);
}
