namespace CommerceKit.ReferenceShop.Catalog;

/// <summary>A product of the catalog. Money is in integer cents.</summary>
internal sealed record Product(string Sku, string Name, string Description, long PriceCents, string Currency, int OnHand);
