using System.Buffers.Text;
using System.Text;
using CommerceKit.AspNetCore.ProblemDetails;
using CommerceKit.Caching;
using CommerceKit.Inventory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommerceKit.ReferenceShop.Catalog;

/// <summary><c>GET /products</c> and <c>GET /products/{sku}</c>.</summary>
internal static class ProductEndpoints
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapProductEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/products", ListProducts);
        endpoints.MapGet("/products/{sku}", GetProduct);
        return endpoints;
    }

    // "available" is read from the inventory: the catalog holds names and prices, the inventory the stock.
    private static async Task<Results<Ok<ProductPage>, ProblemHttpResult>> ListProducts(
        ICatalog catalog, IInventory inventory, string? limit, string? cursor, CancellationToken cancellationToken)
    {
        var size = DefaultPageSize;
        if (limit is not null && (!int.TryParse(limit, out size) || size is < 1 or > MaxPageSize))
        {
            return CommerceKitProblems.Problem(400, ProblemCodes.InvalidRequest, $"'limit' must be a whole number from 1 to {MaxPageSize}.");
        }

        string? afterSku = null;
        if (cursor is not null && !TryDecodeCursor(cursor, out afterSku))
        {
            return CommerceKitProblems.Problem(400, ProblemCodes.InvalidRequest, "'cursor' is not a cursor this API returned.");
        }

        var (items, hasMore) = await catalog.PageAsync(afterSku, size, cancellationToken);
        var stock = await inventory.GetStockLevelsAsync([.. items.Select(p => p.Sku)], cancellationToken);
        var summaries = items.Select((p, i) => new ProductSummary(p.Sku, p.Name, p.PriceCents, p.Currency, stock[i].Available)).ToList();
        return TypedResults.Ok(new ProductPage(summaries, hasMore ? EncodeCursor(items[^1].Sku) : null));
    }

    // Product pages are read far more often than products change: served cache-aside, tagged by product so an
    // update can remove it. "available" may lag by up to the duration; checkout never relies on it.
    private static readonly CacheEntryOptions ProductCaching = new() { Duration = TimeSpan.FromSeconds(30), FailSafeMaxDuration = TimeSpan.FromHours(1) };

    private static async Task<Results<Ok<ProductDetail>, ProblemHttpResult>> GetProduct(
        ICatalog catalog, IInventory inventory, ICacheAside cache, string sku, CancellationToken cancellationToken)
    {
        var key = CacheKey(sku);
        if (!KeyGuard.IsValid(key))
        {
            return NotFound();
        }

        // Unknown SKUs are cached too (as null), so probing them cannot reach the catalog on every request.
        var detail = await cache.GetOrCreateAsync(
            key,
            async (_, token) => await catalog.FindAsync(sku, token) is { } p
                ? new ProductDetail(p.Sku, p.Name, p.Description, p.PriceCents, p.Currency, (await inventory.GetStockAsync(p.Sku, token)).Available)
                : null,
            ProductCaching,
            cancellationToken);
        return detail is not null ? TypedResults.Ok(detail) : NotFound();

        static ProblemHttpResult NotFound() => CommerceKitProblems.Problem(404, "product_not_found", "No product has this SKU.");
    }

    /// <summary>The cache key of a product's page, removed by the admin update.</summary>
    public static string CacheKey(string sku) => "product:" + sku;

    // The cursor is opaque to clients: base64url of the last SKU of the previous page.
    private static string EncodeCursor(string sku) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(sku));

    private static bool TryDecodeCursor(string cursor, out string? sku)
    {
        sku = null;
        if (cursor.Length is 0 or > 512)
        {
            return false;
        }

        try
        {
            sku = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return KeyGuard.IsValid(sku);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
