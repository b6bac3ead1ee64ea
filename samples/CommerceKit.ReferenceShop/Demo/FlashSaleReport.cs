using System.Text.Json;

namespace CommerceKit.ReferenceShop.Demo;

/// <summary>What a flash sale did, checked from outside the shop: its answers, the gateway's ledger, the stock.</summary>
internal sealed record FlashSaleReport
{
    public required int Instances { get; init; }

    public required int Buyers { get; init; }

    public required int Stock { get; init; }

    public required int Concurrency { get; init; }

    public required int Confirmed { get; init; }

    public required int OutOfStock { get; init; }

    /// <summary>Orders that failed otherwise (declined, gateway unavailable) or never ended.</summary>
    public required int OtherOutcomes { get; init; }

    /// <summary>Units confirmed beyond the stock: must be 0.</summary>
    public required long OversoldUnits { get; init; }

    /// <summary>Charges kept (succeeded, not refunded) beyond one per confirmed order, or for an order that failed: must be 0.</summary>
    public required int DuplicateCharges { get; init; }

    /// <summary>Units still reserved after the sale: must be 0.</summary>
    public required long ReservedAfterwards { get; init; }

    public required int EmailsSent { get; init; }

    public required int PushesSent { get; init; }

    public required double P50Milliseconds { get; init; }

    public required double P95Milliseconds { get; init; }

    public required double P99Milliseconds { get; init; }

    public required double OrdersPerSecond { get; init; }

    public required double Seconds { get; init; }

    /// <summary>
    /// The libraries' spans summed over the instances: for each, how many and the milliseconds they took per buyer
    /// (a span that runs once per order shows its mean; nested spans overlap their parents).
    /// </summary>
    public required IReadOnlyDictionary<string, SpanShare> Spans { get; init; }

    /// <summary>The same server work replayed raw (<c>--floor</c>, distributed mode only).</summary>
    public FloorResult? Floor { get; init; }

    public bool Passed => OversoldUnits == 0 && DuplicateCharges == 0 && ReservedAfterwards == 0;

    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });
}

/// <summary>One span name's share of a sale.</summary>
internal sealed record SpanShare(long Count, double MillisecondsPerBuyer);
