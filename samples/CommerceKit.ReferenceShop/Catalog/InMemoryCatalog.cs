using System.Collections.Frozen;

namespace CommerceKit.ReferenceShop.Catalog;

/// <summary>The embedded catalog: products ordered by SKU, paged by a cursor that names the last SKU seen.</summary>
internal sealed class InMemoryCatalog
{
    private readonly Product[] _ordered;
    private readonly FrozenDictionary<string, Product> _bySku;

    public InMemoryCatalog(IEnumerable<Product> products)
    {
        _ordered = [.. products.OrderBy(product => product.Sku, StringComparer.Ordinal)];
        _bySku = _ordered.ToFrozenDictionary(product => product.Sku, StringComparer.Ordinal);
    }

    public static InMemoryCatalog Seeded() => new(CatalogSeed.Products);

    public Product? Find(string sku) => _bySku.GetValueOrDefault(sku);

    /// <summary>Up to <paramref name="limit"/> products whose SKU sorts after <paramref name="afterSku"/>.</summary>
    public (IReadOnlyList<Product> Items, bool HasMore) Page(string? afterSku, int limit)
    {
        var start = 0;
        if (afterSku is not null)
        {
            var index = Array.BinarySearch(_ordered, afterSku, SkuComparer.Instance);
            start = index >= 0 ? index + 1 : ~index;
        }

        var items = _ordered.Skip(start).Take(limit).ToList();
        return (items, start + items.Count < _ordered.Length);
    }

    private sealed class SkuComparer : IComparer<object>
    {
        public static readonly SkuComparer Instance = new();

        public int Compare(object? x, object? y) => string.CompareOrdinal(SkuOf(x), SkuOf(y));

        private static string? SkuOf(object? value) => value is Product product ? product.Sku : value as string;
    }
}
