using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CommerceKit.ReferenceShop.Tests;

/// <summary>Orders that outlast <c>Shop:OrderWait</c> (a slow gateway): 202, the key in use, the key reused.</summary>
public sealed class PendingOrderTests : IDisposable
{
    private readonly ShopFactory _shop = new(orderWait: "00:00:01");
    private readonly HttpClient _client;

    public PendingOrderTests() => _client = _shop.CreateClient();

    public void Dispose() => _shop.Dispose();

    [Fact]
    public async Task A_slow_order_is_202_pending_with_Location_its_key_is_in_use_meanwhile_and_reusing_it_for_another_order_is_422()
    {
        await _client.PostAsJsonAsync("/simulator/admin/faults", new { target = "payments", latencyMs = 3_000 });

        var first = SendAsync("quinn", "slow-key", quantity: 1);
        await Task.Delay(300);
        using var during = await SendAsync("quinn", "slow-key", quantity: 1);
        using var pending = await first;

        Assert.Equal(HttpStatusCode.Accepted, pending.StatusCode);
        var body = await pending.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("pending", body.GetProperty("status").GetString());
        var location = pending.Headers.Location!.ToString();
        Assert.Equal($"/orders/{body.GetProperty("orderId").GetString()}", location);
        Assert.Equal(HttpStatusCode.Conflict, during.StatusCode);
        Assert.Equal("idempotency_key_in_use", (await during.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.NotNull(during.Headers.RetryAfter);

        using var reused = await SendAsync("quinn", "slow-key", quantity: 2);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("idempotency_key_reused", (await reused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        var status = "pending";
        for (var poll = 0; poll < 200 && status == "pending"; poll++)
        {
            await Task.Delay(100);
            using var read = new HttpRequestMessage(HttpMethod.Get, location);
            read.Headers.Add("X-Customer-Id", "quinn");
            status = (await (await _client.SendAsync(read)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()!;
        }

        Assert.Equal("confirmed", status);
    }

    private Task<HttpResponseMessage> SendAsync(string customer, string key, int quantity)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { sku = "FLASH-001", quantity } }, paymentToken = "tok_ok", email = $"{customer}@example.com" }),
        };
        request.Headers.Add("X-Customer-Id", customer);
        request.Headers.Add("Idempotency-Key", key);
        return _client.SendAsync(request);
    }
}
