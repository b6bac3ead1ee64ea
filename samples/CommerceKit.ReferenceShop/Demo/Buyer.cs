using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CommerceKit.ReferenceShop.Demo;

/// <summary>How one buyer's order ended, every status the shop answered on the way (0: no answer), and how long it took.</summary>
internal sealed record Purchase(string Customer, string Email, string Status, string? OrderId, string? FailureCode, IReadOnlyList<int> Answers, TimeSpan Latency)
{
    public bool IsConfirmed => Status == "confirmed";
}

/// <summary>
/// A buyer as a well-behaved client of <c>POST /orders</c>: one <c>Idempotency-Key</c> per purchase, sent again (to the
/// next instance) when an instance is gone, a server answers 503, the key is still in progress or the buyer is limited;
/// a 202 is followed by reading the order until it ends.
/// </summary>
internal static class Buyer
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(300);

    /// <summary>Buys one <paramref name="sku"/>, starting at instance <paramref name="firstShop"/>, with <paramref name="key"/> (a new one when null).</summary>
    public static async Task<Purchase> BuyAsync(
        IReadOnlyList<HttpClient> shops, int firstShop, string customer, string email, string sku, string token, string? key, TimeSpan deadline, CancellationToken cancellationToken)
    {
        key ??= Guid.NewGuid().ToString("N");
        var answers = new List<int>();
        var clock = Stopwatch.StartNew();
        Purchase Ended(string status, string? orderId, string? code) => new(customer, email, status, orderId, code, answers, clock.Elapsed);

        for (var attempt = 0; clock.Elapsed < deadline; attempt++)
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
                using var response = await shop.SendAsync(request, cancellationToken);
                answers.Add((int)response.StatusCode);
                var body = await ReadAsync(response, cancellationToken);
                var orderId = Text(body, "orderId");
                var code = Text(body, "code");
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Created:
                        return Ended("confirmed", orderId, null);
                    case HttpStatusCode.Accepted:
                        return await FollowAsync(shops, firstShop + attempt, customer, orderId!, deadline, clock, cancellationToken) is var (status, failure)
                            ? Ended(status, orderId, failure)
                            : Ended("unfinished", orderId, null);
                    case HttpStatusCode.Conflict when code == "out_of_stock":
                    case HttpStatusCode.PaymentRequired:
                        return Ended("failed", orderId, code);
                    case HttpStatusCode.ServiceUnavailable when orderId is not null:
                        return Ended("failed", orderId, "payment_unavailable");
                    case HttpStatusCode.Conflict or HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests:
                        break; // in progress elsewhere, a server down, limited: the same key again, a little later
                    default:
                        return Ended($"unexpected {(int)response.StatusCode}: {body}", orderId, code);
                }
            }
            catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                answers.Add(0); // the instance is gone or did not answer: try the next one
            }

            await Task.Delay(RetryDelay, cancellationToken);
        }

        return Ended("unfinished", null, null);
    }

    private static async Task<(string Status, string? FailureCode)?> FollowAsync(
        IReadOnlyList<HttpClient> shops, int shopIndex, string customer, string orderId, TimeSpan deadline, Stopwatch clock, CancellationToken cancellationToken)
    {
        for (var attempt = 0; clock.Elapsed < deadline; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"orders/{orderId}");
                request.Headers.Add("X-Customer-Id", customer);
                using var response = await shops[(shopIndex + attempt) % shops.Count].SendAsync(request, cancellationToken);
                var order = await ReadAsync(response, cancellationToken);
                if (response.IsSuccessStatusCode && Text(order, "status") is { } status and not "pending")
                {
                    return (status, Text(order, "failureCode"));
                }
            }
            catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // That instance is gone: ask the next.
            }

            await Task.Delay(RetryDelay, cancellationToken);
        }

        return null;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        response.Content.Headers.ContentLength == 0 ? default : await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);

    private static string? Text(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
