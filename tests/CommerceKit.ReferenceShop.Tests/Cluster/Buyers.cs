using System.Collections.Concurrent;
using CommerceKit.ReferenceShop.Demo;

namespace CommerceKit.ReferenceShop.Tests.Cluster;

/// <summary>Buyers as the demo runs them (<see cref="Buyer"/>): well-behaved clients that retry with their key.</summary>
internal static class Buyers
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    public static Task<Purchase> BuyAsync(
        IReadOnlyList<HttpClient> shops, int firstShop, string customer, string sku, string token = "tok_ok", string? key = null, string? emailDomain = null) =>
        Buyer.BuyAsync(shops, firstShop, customer, $"{customer}@{emailDomain ?? "buyers.test"}", sku, token, key, Deadline, CancellationToken.None);

    /// <summary><paramref name="count"/> buyers at once, spread over the instances, each with an email at <c>{prefix}.test</c>.</summary>
    public static async Task<IReadOnlyList<Purchase>> CrowdAsync(IReadOnlyList<HttpClient> shops, int count, string prefix, string sku, string token = "tok_ok")
    {
        var purchases = new ConcurrentBag<Purchase>();
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(async () =>
            purchases.Add(await BuyAsync(shops, i, $"{prefix}-{i}", sku, token, emailDomain: $"{prefix}.test")))));
        return [.. purchases];
    }
}
