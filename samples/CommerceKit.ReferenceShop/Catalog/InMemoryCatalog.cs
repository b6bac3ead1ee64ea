using System.Collections.Frozen;

namespace CommerceKit.ReferenceShop.Catalog;

/// <summary>
/// The embedded catalog: products ordered by SKU, paged by a cursor that names the last SKU seen. An admin update
/// replaces the whole snapshot (updates are rare, reads constant).
/// </summary>
internal sealed class InMemoryCatalog : ICatalog
{
    private readonly Lock _updates = new();
    private volatile Snapshot _snapshot;

    public InMemoryCatalog(IEnumerable<Product> products) => _snapshot = new Snapshot(products);

    public static InMemoryCatalog Seeded() => new(CatalogSeed.Products);

    public ValueTask<Product?> FindAsync(string sku, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_snapshot.BySku.GetValueOrDefault(sku));

    public ValueTask UpsertAsync(Product product, CancellationToken cancellationToken)
    {
        lock (_updates)
        {
            _snapshot = new Snapshot(_snapshot.Ordered.Where(existing => existing.Sku != product.Sku).Append(product));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<(IReadOnlyList<Product> Items, bool HasMore)> PageAsync(string? afterSku, int limit, CancellationToken cancellationToken)
    {
        var ordered = _snapshot.Ordered;
        var start = 0;
        if (afterSku is not null)
        {
            var index = Array.BinarySearch(ordered, afterSku, SkuComparer.Instance);
            start = index >= 0 ? index + 1 : ~index;
        }

        IReadOnlyList<Product> items = [.. ordered.Skip(start).Take(limit)];
        return ValueTask.FromResult((items, start + items.Count < ordered.Length));
    }

    private sealed class SkuComparer : IComparer<object>
    {
        public static readonly SkuComparer Instance = new();

        public int Compare(object? x, object? y) => string.CompareOrdinal(SkuOf(x), SkuOf(y));

        private static string? SkuOf(object? value) => value is Product product ? product.Sku : value as string;
    }

    private sealed class Snapshot
    {
        public Snapshot(IEnumerable<Product> products)
        {
            Ordered = [.. products.OrderBy(product => product.Sku, StringComparer.Ordinal)];
            BySku = Ordered.ToFrozenDictionary(product => product.Sku, StringComparer.Ordinal);
        }

        public Product[] Ordered { get; }

        public FrozenDictionary<string, Product> BySku { get; }
    }
}
