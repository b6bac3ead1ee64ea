namespace CommerceKit.ReferenceShop.Catalog;

/// <summary>A product of the catalog. Money is in integer cents; its stock lives in the inventory, which starts at <c>InitialStock</c>.</summary>
internal sealed record Product(string Sku, string Name, string Description, long PriceCents, string Currency, long InitialStock);
