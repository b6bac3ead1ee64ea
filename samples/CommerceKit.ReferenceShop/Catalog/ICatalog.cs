namespace CommerceKit.ReferenceShop.Catalog;

/// <summary>The shop's products: in memory when embedded, in PostgreSQL when distributed.</summary>
internal interface ICatalog
{
    ValueTask<Product?> FindAsync(string sku, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> products whose SKU sorts after <paramref name="afterSku"/>.</summary>
    ValueTask<(IReadOnlyList<Product> Items, bool HasMore)> PageAsync(string? afterSku, int limit, CancellationToken cancellationToken);

    /// <summary>Adds or replaces a product.</summary>
    ValueTask UpsertAsync(Product product, CancellationToken cancellationToken);
}
