using CommerceKit.PostgreSql.Schema;

namespace CommerceKit.PostgreSql.Inventory;

/// <summary>The inventory's SQL, rendered for one schema: each operation is one call of a function in <c>inventory.sql</c>.</summary>
internal sealed class InventorySql(string schema)
{
    public const string Component = "inventory";

    private static readonly string Script = SchemaScripts.Load("Inventory/inventory.sql");

    public string Schema { get; } = SchemaScripts.Render(Script, schema);

    // $1 sku, $2 value, $3 adjust, $4 retention ms.
    public string SetStock { get; } = SchemaScripts.Render("SELECT __SCHEMA__.inventory_set($1, $2, $3, $4, $5)", schema);

    // $1 sku, $2 retention ms.
    public string GetStock { get; } = SchemaScripts.Render("SELECT * FROM __SCHEMA__.inventory_get($1, $2)", schema);

    // $1 skus, $2 retention ms.
    public string GetStockLevels { get; } = SchemaScripts.Render("SELECT * FROM __SCHEMA__.inventory_get_many($1, $2)", schema);

    // $1 id, $2 skus, $3 quantities, $4 ttl ms, $5 customer, $6 limit, $7 retention ms.
    public string Reserve { get; } = SchemaScripts.Render("SELECT * FROM __SCHEMA__.inventory_reserve($1, $2, $3, $4, $5, $6, $7)", schema);

    // $1 ids, $2 skus, $3 quantities, $4 ttls ms, $5 customers, $6 limits, $7 retention ms: one-line requests sorted by SKU.
    public string ReserveBatch { get; } = SchemaScripts.Render("SELECT * FROM __SCHEMA__.inventory_reserve_batch($1, $2, $3, $4, $5, $6, $7)", schema);

    // $1 id, $2 action (1 extend, 2 confirm, 3 release: the status codes of ReservationStatus), $3 ttl ms, $4 retention ms.
    public string Act { get; } = SchemaScripts.Render("SELECT __SCHEMA__.inventory_act($1, $2, $3, $4)", schema);

    // $1 limit, $2 retention ms.
    public string TakeExpired { get; } = SchemaScripts.Render("SELECT * FROM __SCHEMA__.inventory_take_expired($1, $2)", schema);
}
