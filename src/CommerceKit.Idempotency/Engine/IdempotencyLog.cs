using Microsoft.Extensions.Logging;

namespace CommerceKit.Idempotency.Engine;

internal static partial class IdempotencyLog
{
    [LoggerMessage(301, LogLevel.Warning, "An idempotent operation outlived its lease of {Lease} and another attempt took its key over; its result was not stored")]
    public static partial void LeaseLost(ILogger logger, TimeSpan lease);

    [LoggerMessage(302, LogLevel.Error, "The result of an idempotent operation could not be stored; a retry after the lease runs the operation again")]
    public static partial void NotStored(ILogger logger, Exception exception);

    [LoggerMessage(303, LogLevel.Warning, "Could not release an idempotency key after its operation failed; a retry can run once the lease ends")]
    public static partial void ReleaseFailed(ILogger logger, Exception exception);
}
