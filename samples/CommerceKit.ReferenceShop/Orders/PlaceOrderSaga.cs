using CommerceKit.Inventory;
using CommerceKit.Outbox;
using CommerceKit.ReferenceShop.Notifications;
using CommerceKit.Sagas;

namespace CommerceKit.ReferenceShop.Orders;

/// <summary>The order as its saga carries it.</summary>
internal sealed class PlaceOrderState
{
    public required string OrderId { get; init; }

    public required string CustomerId { get; init; }

    public required string Email { get; init; }

    public required string PaymentToken { get; init; }

    public required List<OrderLine> Items { get; init; }

    public long TotalCents { get; init; }

    public string Currency { get; init; } = "EUR";

    public string? ChargeId { get; set; }
}

/// <summary>
/// Placing an order: reserve the stock (the reservation id is the order id) → charge the card (the step's idempotency
/// key is the gateway's <c>Idempotency-Key</c>) → confirm the stock → save the order. A failure refunds and releases.
/// </summary>
internal sealed class PlaceOrderSaga : SagaDefinition<PlaceOrderState>
{
    public const string ReserveStock = "reserve-stock";
    public const string ChargePayment = "charge-payment";

    /// <summary>How long a reservation holds its stock if the saga stalls (its instance died and nobody resumed it).</summary>
    public static readonly TimeSpan ReservationTtl = TimeSpan.FromMinutes(10);

    public override string Name => "place-order";

    protected override void Configure(ISagaBuilder<PlaceOrderState> saga) => saga
        .Step(ReserveStock, ReserveAsync, ReleaseAsync)
        .Step(ChargePayment, ChargeAsync, RefundAsync, new SagaStepOptions { Timeout = TimeSpan.FromSeconds(20) })
        .Step("confirm-stock", ConfirmAsync)
        .Step("save-order", SaveAsync);

    private static async Task ReserveAsync(SagaStepContext<PlaceOrderState> step, CancellationToken cancellationToken)
    {
        var lines = step.State.Items.Select(item => new ReservationLine(item.Sku, item.Quantity)).ToList();
        var reserved = await step.Services.GetRequiredService<IInventory>()
            .ReserveAsync(new ReservationRequest(step.State.OrderId, lines, ReservationTtl), cancellationToken);
        if (!reserved.IsReserved)
        {
            throw new SagaStepFailedException(OrderFailure.OutOfStock);
        }
    }

    private static async Task ReleaseAsync(SagaStepContext<PlaceOrderState> step, CancellationToken cancellationToken) =>
        await step.Services.GetRequiredService<IInventory>().ReleaseAsync(step.State.OrderId, cancellationToken);

    private static async Task ChargeAsync(SagaStepContext<PlaceOrderState> step, CancellationToken cancellationToken)
    {
        var state = step.State;
        var (outcome, chargeId) = await step.Services.GetRequiredService<PaymentGateway>()
            .ChargeAsync(state.OrderId, state.TotalCents, state.Currency, state.PaymentToken, step.IdempotencyKey, cancellationToken);
        state.ChargeId = outcome switch
        {
            ChargeOutcome.Succeeded => chargeId,
            ChargeOutcome.Declined => throw new SagaStepFailedException(OrderFailure.PaymentDeclined),
            _ => throw new SagaStepFailedException(OrderFailure.InvalidPayment),
        };
    }

    // A charge whose answer was lost (a timeout, an outage) may still have succeeded: without a charge id, every
    // charge the gateway holds for this order is refunded. One that lands later is left to the charge reconciliation.
    private static async Task RefundAsync(SagaStepContext<PlaceOrderState> step, CancellationToken cancellationToken)
    {
        var gateway = step.Services.GetRequiredService<PaymentGateway>();
        if (step.State.ChargeId is { } chargeId)
        {
            await gateway.RefundAsync(chargeId, cancellationToken);
            return;
        }

        foreach (var charge in await gateway.ListChargesAsync(step.State.OrderId, cancellationToken))
        {
            if (charge.IsRefundable)
            {
                await gateway.RefundAsync(charge.ChargeId, cancellationToken);
            }
        }
    }

    private static async Task ConfirmAsync(SagaStepContext<PlaceOrderState> step, CancellationToken cancellationToken) =>
        await step.Services.GetRequiredService<IInventory>().ConfirmAsync(step.State.OrderId, cancellationToken);

    // The order and its OrderPlaced event, both or neither (one PostgreSQL transaction in a distributed shop).
    private static async Task SaveAsync(SagaStepContext<PlaceOrderState> step, CancellationToken cancellationToken)
    {
        var state = step.State;
        var placed = OutboxMessage.Create(new OrderPlaced(state.OrderId, state.CustomerId, state.Email, state.TotalCents), partitionKey: state.OrderId) with
        {
            Id = OrderPlacedId(state.OrderId),
        };
        await step.Services.GetRequiredService<IOrderBook>().SaveAsync(
            new ConfirmedOrder(state.OrderId, state.CustomerId, state.Email, state.Items, state.TotalCents, state.ChargeId!), placed, cancellationToken);
    }

    private static Guid OrderPlacedId(string orderId) => new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(orderId)).AsSpan(0, 16));
}

/// <summary>An order's <c>failureCode</c>, read from how its saga failed.</summary>
internal static class OrderFailure
{
    public const string OutOfStock = "out_of_stock";
    public const string PaymentDeclined = "payment_declined";
    public const string InvalidPayment = "invalid_payment";
    public const string PaymentUnavailable = "payment_unavailable";

    public static string? Of(SagaResult saga) => saga.Status is SagaStatus.Compensated or SagaStatus.CompensationFailed
        ? saga.FailedStep switch
        {
            PlaceOrderSaga.ReserveStock => OutOfStock,
            PlaceOrderSaga.ChargePayment when saga.Error?.EndsWith(PaymentDeclined, StringComparison.Ordinal) == true => PaymentDeclined,
            PlaceOrderSaga.ChargePayment when saga.Error?.EndsWith(InvalidPayment, StringComparison.Ordinal) == true => InvalidPayment,
            _ => PaymentUnavailable,
        }
        : null;
}
