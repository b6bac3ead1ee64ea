using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using CommerceKit.AspNetCore.ProblemDetails;
using CommerceKit.Inventory;
using CommerceKit.Notifications;
using CommerceKit.Outbox;
using CommerceKit.ReferenceShop.Notifications;
using CommerceKit.ReferenceShop.Catalog;
using CommerceKit.ReferenceShop.Orders;
using CommerceKit.Sagas;

namespace CommerceKit.ReferenceShop.Admin;

/// <summary>
/// <c>GET /admin/stock/{sku}</c> and <c>GET /admin/stats</c>, behind <c>X-Admin-Key</c>: without a valid key (or with
/// no key configured, as outside Development) every admin endpoint answers 401.
/// </summary>
internal static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin").AddEndpointFilter(RequireAdminKeyAsync);
        admin.MapGet("/stock/{sku}", GetStockAsync);
        admin.MapGet("/stats", GetStatsAsync);
        admin.MapDelete("/stats/span-timings", (SpanTimings timings) =>
        {
            timings.Reset();
            return Results.NoContent();
        });
        admin.MapPut("/products/{sku}", PutProductAsync);
        admin.MapPost("/faults", InjectFaultsAsync);
        return endpoints;
    }

    private static async ValueTask<object?> RequireAdminKeyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var configured = http.RequestServices.GetRequiredService<IConfiguration>()["Shop:AdminKey"];
        var given = http.Request.Headers[OrderEndpoints.AdminKeyHeader].ToString();
        return string.IsNullOrEmpty(configured)
               || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(configured), Encoding.UTF8.GetBytes(given))
            ? CommerceKitProblems.Problem(401, "unauthorized", $"Admin endpoints need a valid {OrderEndpoints.AdminKeyHeader} header.")
            : await next(context);
    }

    public sealed record FaultSettings(string? Target, double FailureRate, int LatencyMs, bool Outage);

    // The dashboard's fault button: forwarded to the provider simulator, in process or at Shop:ProvidersUrl.
    private static async Task<IResult> InjectFaultsAsync(FaultSettings faults, IHttpClientFactory clients, CancellationToken cancellationToken)
    {
        if (faults.Target is not ("payments" or "mail" or "push") || faults.FailureRate is < 0 or > 1 || faults.LatencyMs is < 0 or > 60_000)
        {
            return CommerceKitProblems.Problem(400, ProblemCodes.InvalidRequest, "Faults need a target (payments, mail or push), a failure rate from 0 to 1 and a latency from 0 to 60,000 ms.");
        }

        using var response = await clients.CreateClient(SimulatorMessageProvider.Client).PostAsJsonAsync("admin/faults", faults, cancellationToken);
        return response.IsSuccessStatusCode
            ? Results.Ok(faults)
            : CommerceKitProblems.Problem(503, ProblemCodes.BackendUnavailable, "The provider simulator did not take the faults.");
    }

    public sealed record ProductUpdate(string? Name, string? Description, long PriceCents, string? Currency, long OnHand);

    // The catalog and the stock change, then the product's cached page is removed (on every instance sharing the
    // cache's second level), so the next read loads the new values.
    private static async Task<IResult> PutProductAsync(
        string sku, ProductUpdate update, ICatalog catalog, IInventory inventory, CommerceKit.Caching.ICacheAside cache, CancellationToken cancellationToken)
    {
        if (!KeyGuard.IsValid(sku, 64) || string.IsNullOrWhiteSpace(update.Name) || update.Name.Length > 200 || (update.Description?.Length ?? 0) > 2000
            || update.PriceCents is < 0 or > 100_000_000 || update.Currency is not { Length: 3 } || update.OnHand is < 0 or > 1_000_000_000)
        {
            return CommerceKitProblems.Problem(400, ProblemCodes.InvalidRequest, "A product needs a SKU, a name, a price from 0, a three-letter currency and a stock from 0.");
        }

        var product = new Product(sku, update.Name, update.Description ?? "", update.PriceCents, update.Currency.ToUpperInvariant(), update.OnHand);
        await catalog.UpsertAsync(product, cancellationToken);
        await inventory.SetStockAsync(sku, update.OnHand, cancellationToken);
        await cache.RemoveAsync(ProductEndpoints.CacheKey(sku), cancellationToken);
        return Results.Ok(new { sku, name = product.Name, description = product.Description, priceCents = product.PriceCents, currency = product.Currency, onHand = update.OnHand });
    }

    // Read from the inventory backend each time: never cached.
    private static async Task<IResult> GetStockAsync(string sku, ICatalog catalog, IInventory inventory, CancellationToken cancellationToken)
    {
        if (await catalog.FindAsync(sku, cancellationToken) is null)
        {
            return CommerceKitProblems.Problem(404, "product_not_found", "No product has this SKU.");
        }

        var stock = await inventory.GetStockAsync(sku, cancellationToken);
        return Results.Ok(new { sku, onHand = stock.OnHand, reserved = stock.Reserved, available = stock.Available });
    }

    private static async Task<IResult> GetStatsAsync(
        ICatalog catalog,
        IInventory inventory,
        SagaStore sagas,
        OutboxStore outbox,
        NotificationStore notifications,
        ShopMetrics metrics,
        SpanTimings timings,
        CancellationToken cancellationToken)
    {
        var bySagaStatus = await sagas.CountByStatusAsync(cancellationToken);
        long Sagas(params SagaStatus[] statuses) => statuses.Sum(status => bySagaStatus.GetValueOrDefault(status));
        var reserved = 0L;
        foreach (var products in (await catalog.PageAsync(null, int.MaxValue, cancellationToken)).Items.Chunk(InventoryStore.MaxSkusPerRead))
        {
            reserved += (await inventory.GetStockLevelsAsync([.. products.Select(p => p.Sku)], cancellationToken)).Sum(level => level.Reserved);
        }

        var backlog = await outbox.GetBacklogAsync(cancellationToken);
        return Results.Ok(new
        {
            orders = new
            {
                pending = Sagas(SagaStatus.Running, SagaStatus.Compensating, SagaStatus.CompensationFailed, SagaStatus.Parked),
                confirmed = Sagas(SagaStatus.Completed),
                failed = Sagas(SagaStatus.Compensated),
            },
            reservedUnits = reserved,
            cache = new
            {
                hits = metrics.Count("commercekit.cache.requests", "hit"),
                misses = metrics.Count("commercekit.cache.requests", "miss"),
                stale = metrics.Count("commercekit.cache.requests", "stale"),
                factoryCalls = metrics.Count("commercekit.cache.factory_calls"),
            },
            outbox = new { pending = backlog.PendingCount, deadLetters = backlog.DeadLetterCount, oldestPendingAgeSeconds = backlog.OldestPendingAge.TotalSeconds },
            sagas = bySagaStatus.ToDictionary(entry => entry.Key.ToString(), entry => entry.Value),
            notifications = new
            {
                pendingTransactional = await notifications.CountPendingAsync(NotificationCategory.Transactional, cancellationToken),
                pendingPromotional = await notifications.CountPendingAsync(NotificationCategory.Promotional, cancellationToken),
                sent = metrics.Count("commercekit.notification.attempts", nameof(ProviderOutcome.Sent)),
                deadLettered = metrics.Count("commercekit.notification.dead_lettered"),
            },
            rateLimitRejections = metrics.Count("commercekit.ratelimit.decisions", "rejected"),
            spanTimings = timings.IsEnabled ? timings.Snapshot() : null,
        });
    }
}
