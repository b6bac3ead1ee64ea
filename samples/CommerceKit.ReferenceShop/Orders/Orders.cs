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

    // Memory has no transaction: the order goes first, so the event's handler always finds it (the confirmation is
    // addressed to the order's email); the event is enqueued on every attempt, so a failure in between is repaired by
    // the retried step, and a second enqueue is refused (the event's id is derived from the order's).
    public async ValueTask SaveAsync(ConfirmedOrder order, OutboxMessage placed, CancellationToken cancellationToken)
    {
        if (_orders.TryAdd(order.OrderId, order))
        {
            _emails[order.CustomerId] = order.Email;
        }

        try
        {
            await outbox.EnqueueAsync(placed, cancellationToken);
        }
        catch (ArgumentException)
        {
            // The event is small and valid, so this is its id refused: an earlier attempt of this step enqueued it.
        }
    }

    public ValueTask<ConfirmedOrder?> FindAsync(string orderId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_orders.GetValueOrDefault(orderId));

    public ValueTask<string?> LatestEmailAsync(string customerId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_emails.GetValueOrDefault(customerId));
}
