using System.Globalization;

namespace CommerceKit.ReferenceShop.Demo;

/// <summary>
/// <c>demo flash-sale [--buyers N] [--stock N] [--concurrency N] [--instances N] [--warmup N] [--floor] [--report FILE]</c>; every other
/// argument (<c>--ConnectionStrings:Redis=…</c>) configures the shops.
/// </summary>
internal sealed record FlashSaleOptions(int Buyers, int Stock, int Concurrency, int Instances, int Warmup, bool Floor, string? ReportPath, string[] ShopArgs)
{
    public const string Usage =
        "usage: demo flash-sale [--buyers N (2000)] [--stock N (100)] [--concurrency N (64)] [--instances N (1)] [--warmup N (0): orders of another product first, not counted] [--floor: then the same server work raw, distributed only] [--report FILE.json] [shop settings, e.g. --ConnectionStrings:Redis=…]";

    /// <summary>The options, or an explanation of what is wrong with <paramref name="args"/>.</summary>
    public static (FlashSaleOptions? Options, string? Error) Parse(string[] args)
    {
        if (args is not ["flash-sale", .. var rest])
        {
            return (null, "The only demo is 'flash-sale'.");
        }

        var options = new FlashSaleOptions(2_000, 100, 64, 1, 0, false, null, []);
        var shopArgs = new List<string>();
        for (var i = 0; i < rest.Length; i++)
        {
            var name = rest[i];
            var value = i + 1 < rest.Length ? rest[i + 1] : null;
            switch (name)
            {
                case "--buyers" or "--stock" or "--concurrency" or "--instances" or "--warmup":
                    var least = name is "--stock" or "--warmup" ? 0 : 1;
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < least || number > 1_000_000)
                    {
                        return (null, $"{name} takes a whole number from {least} up to 1,000,000.");
                    }

                    options = name switch
                    {
                        "--buyers" => options with { Buyers = number },
                        "--stock" => options with { Stock = number },
                        "--concurrency" => options with { Concurrency = number },
                        "--warmup" => options with { Warmup = number },
                        _ => options with { Instances = number },
                    };
                    i++;
                    break;
                case "--floor":
                    options = options with { Floor = true };
                    break;
                case "--report":
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        return (null, "--report takes a file name.");
                    }

                    options = options with { ReportPath = value };
                    i++;
                    break;
                default:
                    if (!name.StartsWith("--", StringComparison.Ordinal) || !name.Contains('=', StringComparison.Ordinal))
                    {
                        return (null, $"Unknown option '{name}'.");
                    }

                    shopArgs.Add(name);
                    break;
            }
        }

        return (options with { ShopArgs = [.. shopArgs] }, null);
    }
}
