using Microsoft.Extensions.Logging;

namespace CommerceKit.Inventory.Engine;

internal static partial class InventoryLog
{
    [LoggerMessage(401, LogLevel.Error, "A reservation-expired handler failed for a reservation; it is not called again for it")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(402, LogLevel.Warning, "The inventory backend is unavailable; expired reservations are swept when it is back")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
