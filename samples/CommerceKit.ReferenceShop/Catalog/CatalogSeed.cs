namespace CommerceKit.ReferenceShop.Catalog;

/// <summary>The seeded catalog: 24 products, among them <c>FLASH-001</c> with 100 units for flash sales.</summary>
internal static class CatalogSeed
{
    public const string FlashSaleSku = "FLASH-001";

    public static IReadOnlyList<Product> Products { get; } =
    [
        new(FlashSaleSku, "Limited Edition Sneakers", "The flash-sale drop: 100 pairs, one day.", 12_900, "EUR", 100),
        new("APP-TSHIRT-BLK", "Black T-Shirt", "Organic cotton, regular fit.", 1_900, "EUR", 250),
        new("APP-TSHIRT-WHT", "White T-Shirt", "Organic cotton, regular fit.", 1_900, "EUR", 240),
        new("APP-HOODIE-GRY", "Grey Hoodie", "Brushed fleece, kangaroo pocket.", 4_900, "EUR", 80),
        new("APP-JEANS-32", "Slim Jeans 32", "Stretch denim, dark wash.", 6_900, "EUR", 60),
        new("APP-SOCKS-3PK", "Socks, 3 pack", "Merino blend.", 1_500, "EUR", 400),
        new("APP-CAP-NVY", "Navy Cap", "Six panels, adjustable strap.", 2_200, "EUR", 90),
        new("HOME-MUG-12OZ", "Stoneware Mug", "12 oz, dishwasher safe.", 1_400, "EUR", 300),
        new("HOME-PLANT-POT", "Plant Pot", "Terracotta, 18 cm.", 1_800, "EUR", 120),
        new("HOME-THROW-WOL", "Wool Throw", "130 x 170 cm.", 7_900, "EUR", 35),
        new("HOME-LAMP-DSK", "Desk Lamp", "Warm LED, dimmable.", 5_400, "EUR", 45),
        new("HOME-CANDLE-CD", "Cedar Candle", "40 hours burn time.", 2_600, "EUR", 150),
        new("KIT-KNIFE-CHF", "Chef's Knife", "20 cm, forged steel.", 8_900, "EUR", 40),
        new("KIT-PAN-28", "Frying Pan 28", "Cast iron, pre-seasoned.", 4_500, "EUR", 55),
        new("KIT-BOARD-OAK", "Oak Cutting Board", "End grain, 40 x 30 cm.", 5_900, "EUR", 30),
        new("KIT-GRINDER", "Coffee Grinder", "Conical burrs, 40 settings.", 9_900, "EUR", 25),
        new("TECH-CABLE-USBC", "USB-C Cable", "2 m, 100 W.", 1_200, "EUR", 500),
        new("TECH-CHARGER-65", "65 W Charger", "Two USB-C ports.", 3_900, "EUR", 110),
        new("TECH-EARBUDS", "Wireless Earbuds", "Noise cancelling, 24 h with case.", 11_900, "EUR", 70),
        new("TECH-STAND-LAP", "Laptop Stand", "Aluminium, foldable.", 4_900, "EUR", 65),
        new("BOOK-DDIA", "Designing Data-Intensive Applications", "The big ideas behind reliable, scalable systems.", 4_500, "EUR", 50),
        new("BOOK-RELEASE", "Release It!", "Design and deploy production-ready software.", 3_900, "EUR", 40),
        new("GIFT-CARD-25", "Gift Card 25", "Delivered by email.", 2_500, "EUR", 10_000),
        new("GIFT-WRAP", "Gift Wrapping", "Recycled paper and ribbon.", 400, "EUR", 1_000),
    ];
}
