using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using CommerceKit.AspNetCore.ProblemDetails;
using CommerceKit.AspNetCore.RateLimiting;
using CommerceKit.RateLimiting;
using CommerceKit.ReferenceShop.Catalog;
using CommerceKit.Sagas;
using Microsoft.AspNetCore.Mvc;

namespace CommerceKit.ReferenceShop.Orders;

/// <summary><c>POST /orders</c> and <c>GET /orders/{orderId}</c>, as docs/reference-shop.md fixes them.</summary>
internal static class OrderEndpoints
{
    public const string CustomerHeader = "X-Customer-Id";
    public const string AdminKeyHeader = "X-Admin-Key";
    private const int MaxLines = 50;
    private const int MaxQuantity = 100;
    private const int MaxBodyBytes = 64 * 1024;

    public sealed record OrderItem(string? Sku, int Quantity);

    public sealed record OrderRequest(IReadOnlyList<OrderItem>? Items, string? PaymentToken, string? Email);

    public static IEndpointRouteBuilder MapOrderEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Idempotency runs first and answers replays and keys in progress itself: those never reach the handler, so they
        // never count against the customer's order limit.
        // An order of 50 lines is a few kilobytes: a larger body is refused (413) before it is read.
        endpoints.MapPost("/orders", PlaceOrderAsync)
            .RequireIdempotency(o => o.ScopeHeader = CustomerHeader)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        endpoints.MapGet("/orders/{orderId}", GetOrderAsync);
        return endpoints;
    }

    private static async Task<IResult> PlaceOrderAsync(
        OrderRequest request,
        HttpContext http,
        ICatalog catalog,
        ISagaRunner sagas,
        OrderLimits limits,
        IConfiguration configuration,
        CancellationToken cancellationToken)
    {
        var customerId = http.Request.Headers[CustomerHeader].ToString();
        if (!KeyGuard.IsValid(customerId, 100))
        {
            return CommerceKitProblems.Problem(400, ProblemCodes.InvalidRequest, $"The {CustomerHeader} header must name the customer.");
        }

        if (Invalid(request) is { } problem)
        {
            return CommerceKitProblems.Problem(400, ProblemCodes.InvalidRequest, problem);
        }

        var lines = new List<OrderLine>();
        foreach (var item in request.Items!.GroupBy(item => item.Sku!, StringComparer.Ordinal))
        {
            if (await catalog.FindAsync(item.Key, cancellationToken) is not { } product)
            {
                return CommerceKitProblems.Problem(422, "unknown_sku", $"There is no product '{item.Key}'.");
            }

            lines.Add(new OrderLine(product.Sku, item.Sum(line => line.Quantity), product.PriceCents));
        }

        using var lease = await limits.AcquireAsync(customerId, cancellationToken);
        http.AddRateLimitHeaders(OrderLimits.PolicyName, limits.Policy, lease);
        if (!lease.IsAcquired)
        {
            if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            {
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return CommerceKitProblems.Problem(429, ProblemCodes.RateLimited, "Too many orders for this customer; try again later.");
        }

        var orderId = OrderId(customerId, http.Request.Headers["Idempotency-Key"].ToString());
        var state = new PlaceOrderState
        {
            OrderId = orderId,
            CustomerId = customerId,
            Email = request.Email!,
            PaymentToken = request.PaymentToken!,
            Items = lines,
            TotalCents = lines.Sum(line => line.UnitPriceCents * line.Quantity),
        };
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(configuration.GetValue("Shop:OrderWait", TimeSpan.FromSeconds(5)));
        SagaResult result;
        try
        {
            result = await sagas.RunAsync<PlaceOrderSaga, PlaceOrderState>(orderId, state, wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Pending(orderId);
        }

        // A failed order's problem names it too, so the client can look at its saga with GET /orders/{orderId}.
        KeyValuePair<string, object?>[] failed = [new("orderId", orderId)];
        return result.Status switch
        {
            SagaStatus.Completed => Results.Created($"/orders/{orderId}", new { orderId, status = "confirmed", totalCents = state.TotalCents, items = lines }),
            _ => OrderFailure.Of(result) switch
            {
                OrderFailure.OutOfStock => CommerceKitProblems.Problem(409, OrderFailure.OutOfStock, "Not enough stock for this order.", failed),
                OrderFailure.PaymentDeclined => CommerceKitProblems.Problem(402, OrderFailure.PaymentDeclined, "The card was declined.", failed),
                OrderFailure.InvalidPayment => CommerceKitProblems.Problem(400, ProblemCodes.InvalidRequest, "The payment token was refused by the gateway.", failed),
                OrderFailure.PaymentUnavailable => CommerceKitProblems.Problem(
                    503, ProblemCodes.BackendUnavailable, "The payment gateway is unavailable; the order failed and nothing was charged for it.", failed),
                _ => Pending(orderId),
            },
        };
    }

    private static async Task<IResult> GetOrderAsync(string orderId, HttpContext http, ISagaRunner sagas, IOrderBook orders, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var saga = KeyGuard.IsValid(orderId) ? await sagas.GetAsync(orderId, cancellationToken) : null;
        if (saga is null || saga.SagaName != "place-order")
        {
            return NotFound();
        }

        var state = saga.GetState<PlaceOrderState>();
        var admin = configuration["Shop:AdminKey"] is { Length: > 0 } adminKey && http.Request.Headers[AdminKeyHeader] == adminKey;
        if (!admin && http.Request.Headers[CustomerHeader] != state.CustomerId)
        {
            return NotFound();
        }

        var result = saga.ToResult();
        var status = saga.Status == SagaStatus.Completed && await orders.FindAsync(orderId, cancellationToken) is not null ? "confirmed" : OrderFailure.Of(result) is null ? "pending" : "failed";
        return Results.Ok(new
        {
            orderId,
            customerId = state.CustomerId,
            status,
            items = state.Items,
            totalCents = state.TotalCents,
            failureCode = status == "failed" ? OrderFailure.Of(result) : null,
            saga = new
            {
                status = saga.Status.ToString(),
                steps = saga.Journal.Select(step => new { name = step.Name, status = step.Status.ToString(), attempts = step.Attempts, error = step.LastError }),
            },
        });

        static IResult NotFound() => CommerceKitProblems.Problem(404, ProblemCodes.NotFound, "There is no such order for you.");
    }

    private static IResult Pending(string orderId) => Results.Accepted($"/orders/{orderId}", new { orderId, status = "pending" });

    private static string? Invalid(OrderRequest request)
    {
        if (request.Items is not { Count: > 0 and <= MaxLines })
        {
            return $"An order has from 1 to {MaxLines} items.";
        }

        if (request.Items.Any(item => item is null || !KeyGuard.IsValid(item.Sku, 64) || item.Quantity is < 1 or > MaxQuantity))
        {
            return $"Every item needs a SKU and a quantity from 1 to {MaxQuantity}.";
        }

        if (string.IsNullOrWhiteSpace(request.PaymentToken) || request.PaymentToken.Length > 200)
        {
            return "A paymentToken is required.";
        }

        return request.Email is { Length: > 2 and <= 254 } email && email.Contains('@', StringComparison.Ordinal) && !email.Any(char.IsControl)
            ? null
            : "A valid email is required.";
    }

    // The same customer and key always name the same order, so a retry after a crash resumes that order's saga.
    private static string OrderId(string customerId, string idempotencyKey) =>
        "ord_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{customerId}\n{idempotencyKey}")))[..24];
}

/// <summary>The per-customer order limit (<c>Shop:RateLimits:OrdersPerMinutePerCustomer</c>), counted by the handler: new orders only.</summary>
internal sealed class OrderLimits
{
    public const string PolicyName = "orders-per-customer";

    private readonly PartitionedRateLimiter<string> _limiter;

    public OrderLimits(IRateLimiterProvider limiters, IConfiguration configuration)
    {
        Policy = new FixedWindowPolicy(configuration.GetValue("Shop:RateLimits:OrdersPerMinutePerCustomer", 10), TimeSpan.FromMinutes(1));
        _limiter = limiters.CreatePartitionedLimiter<string>(PolicyName, Policy, customerId => customerId);
    }

    public RateLimitPolicy Policy { get; }

    public ValueTask<RateLimitLease> AcquireAsync(string customerId, CancellationToken cancellationToken) =>
        _limiter.AcquireAsync(customerId, 1, cancellationToken);
}
