namespace CommerceKit.ReferenceShop.Hosting;

/// <summary>The shop's own log events (the libraries log theirs).</summary>
internal static partial class ShopLog
{
    [LoggerMessage(EventId = 901, Level = LogLevel.Information, Message = "Catalog ready: {Seeded} products seeded, {Existing} already there")]
    public static partial void CatalogSeeded(ILogger logger, int seeded, int existing);

    [LoggerMessage(EventId = 902, Level = LogLevel.Warning, Message = "Refunded charge {ChargeId}: its order {OrderId} failed")]
    public static partial void OrphanChargeRefunded(ILogger logger, string chargeId, string orderId);

    [LoggerMessage(EventId = 903, Level = LogLevel.Warning, Message = "Charge reconciliation failed; the next round tries again")]
    public static partial void ReconciliationFailed(ILogger logger, Exception exception);
}
