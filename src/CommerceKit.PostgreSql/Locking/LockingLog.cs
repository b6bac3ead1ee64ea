using Microsoft.Extensions.Logging;

namespace CommerceKit.PostgreSql.Locking;

internal static partial class LockingLog
{
    [LoggerMessage(101, LogLevel.Warning, "Lost the PostgreSQL connection listening for lock releases ({Server}); reconnecting, waiters poll meanwhile")]
    public static partial void ListenerLost(ILogger logger, string server, Exception exception);
}
