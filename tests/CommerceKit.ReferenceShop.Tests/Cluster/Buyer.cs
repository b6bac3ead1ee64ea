using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CommerceKit.ReferenceShop.Tests.Cluster;

/// <summary>How one buyer's order ended, and every status the shop answered on the way.</summary>
public sealed record Purchase(string Customer, string Email, string Status, string? OrderId, string? FailureCode, IReadOnlyList<int> Answers);

/// <summary>
/// A buyer as a well-behaved client: one <c>Idempotency-Key</c> per purchase, retried on another instance when an
/// instance is gone, a server answers 503 or the key is still in progress; a 202 is followed by polling the order.
/// </summary>
public static class Buyer
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    public static async Task<Purchase> BuyAsync(
        IReadOnlyList<HttpClient> shops, int firstShop, string customer, string sku, string token = "tok_ok", string? key = null, string? emailDomain = null)
    {
        var email = $"{customer}@{emailDomain ?? "buyers.test"}";
        key ??= Guid.NewGuid().ToString("N");
        var answers = new List<int>();
        var clock = Stopwatch.StartNew();
        for (var attempt = 0; clock.Elapsed < Deadline; attempt++)
        {
            var shop = shops[(firstShop + attempt) % shops.Count];
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "orders")
                {
                    Content = JsonContent.Create(new { items = new[] { new { sku, quantity = 1 } }, paymentToken = token, email }),
                };
                request.Headers.Add("Idempotency-Key", key);
                request.Headers.Add("X-Customer-Id", customer);
                using var response = await shop.SendAsync(request);
                answers.Add((int)response.StatusCode);
                var body = response.Content.Headers.ContentLength == 0 ? default : await response.Content.ReadFromJsonAsync<JsonElement>();
                var orderId = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("orderId", out var id) ? id.GetString() : null;
                var code = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("code", out var c) ? c.GetString() : null;
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Created:
                        return new Purchase(customer, email, "confirmed", orderId, null, answers);
                    case HttpStatusCode.Accepted:
                        return await FollowAsync(shops, firstShop + attempt, customer, email, orderId!, answers, clock);
                    case HttpStatusCode.Conflict when code == "out_of_stock":
                    case HttpStatusCode.PaymentRequired:
                        return new Purchase(customer, email, "failed", orderId, code, answers);
                    case HttpStatusCode.ServiceUnavailable when orderId is not null:
                        return new Purchase(customer, email, "failed", orderId, "payment_unavailable", answers);
                    case HttpStatusCode.Conflict or HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests:
                        break; // in progress elsewhere, a server down, limited: the same key again, a little later
                    default:
                        return new Purchase(customer, email, $"unexpected {(int)response.StatusCode}: {body}", orderId, code, answers);
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                answers.Add(0); // the instance is gone: try another
            }

            await Task.Delay(300);
        }

        return new Purchase(customer, email, "unfinished", null, null, answers);
    }

    private static async Task<Purchase> FollowAsync(
        IReadOnlyList<HttpClient> shops, int shopIndex, string customer, string email, string orderId, List<int> answers, Stopwatch clock)
    {
        for (var attempt = 0; clock.Elapsed < Deadline; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"orders/{orderId}");
                request.Headers.Add("X-Customer-Id", customer);
                using var response = await shops[(shopIndex + attempt) % shops.Count].SendAsync(request);
                if (response.IsSuccessStatusCode)
                {
                    var order = await response.Content.ReadFromJsonAsync<JsonElement>();
                    var status = order.GetProperty("status").GetString()!;
                    if (status != "pending")
                    {
                        return new Purchase(customer, email, status, orderId, order.GetProperty("failureCode").GetString(), answers);
                    }
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // That instance is gone: ask another.
            }

            await Task.Delay(300);
        }

        return new Purchase(customer, email, "unfinished", orderId, null, answers);
    }

    /// <summary><paramref name="count"/> buyers at once, spread over the instances.</summary>
    public static async Task<IReadOnlyList<Purchase>> CrowdAsync(IReadOnlyList<HttpClient> shops, int count, string prefix, string sku, string token = "tok_ok")
    {
        var purchases = new ConcurrentBag<Purchase>();
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(async () =>
            purchases.Add(await BuyAsync(shops, i, $"{prefix}-{i}", sku, token, emailDomain: $"{prefix}.test")))));
        return [.. purchases];
    }
}
