using System.Collections.Concurrent;
using CommerceKit.Outbox;

namespace CommerceKit.ReferenceShop.Orders;

/// <summary>One line of an order, priced when the order was placed.</summary>
internal sealed record OrderLine(string Sku, int Quantity, long UnitPriceCents);

/// <summary>An order as the <c>save-order</c> step stores it: only confirmed orders are saved; the others live in their saga.</summary>
internal sealed record ConfirmedOrder(string OrderId, string CustomerId, string Email, IReadOnlyList<OrderLine> Items, long TotalCents, string ChargeId);

/// <summary>The shop's confirmed orders: in memory when embedded, in PostgreSQL when distributed.</summary>
internal interface IOrderBook
{
    /// <summary>
    /// Saves <paramref name="order"/> with its <paramref name="placed"/> event: both or neither. Saving it again (a
    /// resumed step) changes nothing and enqueues nothing.
    /// </summary>
    ValueTask SaveAsync(ConfirmedOrder order, OutboxMessage placed, CancellationToken cancellationToken);

    ValueTask<ConfirmedOrder?> FindAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>The email of the customer's latest confirmed order.</summary>
    ValueTask<string?> LatestEmailAsync(string customerId, CancellationToken cancellationToken);
}

/// <summary>The embedded order book, beside the in-memory outbox.</summary>
internal sealed class InMemoryOrderBook(IOutbox outbox) : IOrderBook
{
    private readonly ConcurrentDictionary<string, ConfirmedOrder> _orders = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, string> _emails = new(StringComparer.Ordinal);

    // Memory has no transaction: the event goes first (its id is derived from the order's, so a second enqueue is
    // refused), then the order, so a failure in between leaves the event to be enqueued again by the retried step.
    public async ValueTask SaveAsync(ConfirmedOrder order, OutboxMessage placed, CancellationToken cancellationToken)
    {
        try
        {
            await outbox.EnqueueAsync(placed, cancellationToken);
        }
        catch (ArgumentException)
        {
            // The event is small and valid, so this is its id refused: an earlier attempt of this step enqueued it.
        }

        if (_orders.TryAdd(order.OrderId, order))
        {
            _emails[order.CustomerId] = order.Email;
        }
    }

    public ValueTask<ConfirmedOrder?> FindAsync(string orderId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_orders.GetValueOrDefault(orderId));

    public ValueTask<string?> LatestEmailAsync(string customerId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_emails.GetValueOrDefault(customerId));
}
