namespace CommerceKit.ReferenceShop.Catalog;

/// <summary>A product as listed by <c>GET /products</c>.</summary>
internal sealed record ProductSummary(string Sku, string Name, long PriceCents, string Currency, long Available);

/// <summary>A product as shown by <c>GET /products/{sku}</c>.</summary>
internal sealed record ProductDetail(string Sku, string Name, string Description, long PriceCents, string Currency, long Available);

/// <summary>One page of products and the cursor of the next page, <see langword="null"/> on the last.</summary>
internal sealed record ProductPage(IReadOnlyList<ProductSummary> Items, string? NextCursor);
