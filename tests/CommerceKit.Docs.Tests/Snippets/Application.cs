// Stand-ins for an application's own types, which the doc snippets use where a real shop has its own code: a product
// database, a cart, orders, a payment gateway. Only their shapes matter; the snippets compile against them.
#pragma warning disable CS1591

public sealed record Product(string Sku, string Name, long PriceCents, string Category);

public sealed record Cart(string CustomerId, IReadOnlyList<(string Sku, int Quantity)> Lines, long TotalCents)
{
    public string Hash() => string.Join(",", Lines.Select(line => $"{line.Sku}x{line.Quantity}")) + ":" + TotalCents;
}

public sealed record Payment(string ChargeId);

public sealed record Order(string OrderId, long TotalCents);

public interface IProductDatabase
{
    Task<Product> LoadProductAsync(string sku, CancellationToken cancellationToken);
}

public interface IPaymentGateway
{
    Task<Payment> ChargeAsync(long amountCents, string idempotencyKey, CancellationToken cancellationToken);

    Task RefundAsync(string chargeIdempotencyKey, string idempotencyKey, CancellationToken cancellationToken);
}

public interface IOrders
{
    Task<Order> CreateAsync(Cart cart, Payment payment, CancellationToken cancellationToken);

    Task<Order> InsertAsync(Npgsql.NpgsqlTransaction transaction, Cart cart, CancellationToken cancellationToken);
}
