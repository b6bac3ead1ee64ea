using Microsoft.Extensions.Logging;

namespace CommerceKit.Locking.Engine;

internal static partial class LockLog
{
    [LoggerMessage(1, LogLevel.Warning, "Lease of lock {LockName} (fencing token {FencingToken}) was lost: {Reason}")]
    public static partial void LeaseLost(ILogger logger, string lockName, long fencingToken, string reason, Exception? exception);

    [LoggerMessage(2, LogLevel.Warning, "Could not release lock {LockName}; its lease runs out by itself")]
    public static partial void ReleaseFailed(ILogger logger, string lockName, Exception exception);

    [LoggerMessage(3, LogLevel.Debug, "No release notifications for lock {LockName}; waiting by polling")]
    public static partial void WaitingByPolling(ILogger logger, string lockName, Exception exception);

    [LoggerMessage(4, LogLevel.Error, "A HandleLost callback of lock {LockName} threw")]
    public static partial void LostCallbackFailed(ILogger logger, string lockName, Exception exception);
}
