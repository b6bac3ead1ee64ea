using System.Collections.Concurrent;

namespace CommerceKit.ReferenceShop.Orders;

/// <summary>One line of an order, priced when the order was placed.</summary>
internal sealed record OrderLine(string Sku, int Quantity, long UnitPriceCents);

/// <summary>An order as the <c>save-order</c> step stores it: only confirmed orders are saved; the others live in their saga.</summary>
internal sealed record ConfirmedOrder(string OrderId, string CustomerId, string Email, IReadOnlyList<OrderLine> Items, long TotalCents, string ChargeId);

/// <summary>The shop's confirmed orders (in memory in embedded mode).</summary>
internal sealed class OrderBook
{
    private readonly ConcurrentDictionary<string, ConfirmedOrder> _orders = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, string> _emails = new(StringComparer.Ordinal);

    /// <summary>Saves an order once: saving it again (a resumed step) changes nothing.</summary>
    public void Save(ConfirmedOrder order)
    {
        if (_orders.TryAdd(order.OrderId, order))
        {
            _emails[order.CustomerId] = order.Email;
        }
    }

    public ConfirmedOrder? Find(string orderId) => _orders.GetValueOrDefault(orderId);

    /// <summary>The email of the customer's latest confirmed order.</summary>
    public string? LatestEmail(string customerId) => _emails.GetValueOrDefault(customerId);

    public int Count => _orders.Count;
}
