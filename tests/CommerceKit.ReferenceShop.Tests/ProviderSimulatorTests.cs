using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.ReferenceShop.Tests;

/// <summary>The provider simulator's contract (docs/reference-shop.md): charges once per key, refunds, messages once per dedup id, faults.</summary>
public sealed class ProviderSimulatorTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddProviderSimulator();
        _app = builder.Build();
        _app.MapProviderSimulator();
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_charge_retried_with_its_idempotency_key_is_answered_from_the_ledger_not_charged_again()
    {
        var first = await ChargeAsync("key-1", "order-1", "tok_ok");
        var again = await ChargeAsync("key-1", "order-1", "tok_ok");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("succeeded", body.GetProperty("status").GetString());
        Assert.Equal(body.GetProperty("chargeId").GetString(), (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("chargeId").GetString());
        var ledger = await _client.GetFromJsonAsync<JsonElement[]>("/v1/charges?orderId=order-1");
        var charge = Assert.Single(ledger!);
        Assert.Equal(("key-1", 4200, "succeeded", false), (charge.GetProperty("idempotencyKey").GetString(), charge.GetProperty("amountCents").GetInt64(), charge.GetProperty("status").GetString(), charge.GetProperty("refunded").GetBoolean()));
    }

    [Fact]
    public async Task A_declined_card_is_402_card_declined_and_any_other_token_is_invalid_request()
    {
        var declined = await ChargeAsync("key-2", "order-2", "tok_decline");
        var invalid = await ChargeAsync("key-3", "order-3", "tok_nonsense");

        Assert.Equal(HttpStatusCode.PaymentRequired, declined.StatusCode);
        Assert.Equal("card_declined", (await declined.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("declined", (await _client.GetFromJsonAsync<JsonElement[]>("/v1/charges?orderId=order-2"))!.Single().GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_refund_marks_the_charge_refunded_and_an_unknown_charge_is_404()
    {
        var chargeId = (await (await ChargeAsync("key-4", "order-4", "tok_ok")).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("chargeId").GetString();

        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsJsonAsync("/v1/refunds", new { chargeId })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsJsonAsync("/v1/refunds", new { chargeId })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsJsonAsync("/v1/refunds", new { chargeId = "ch_unknown" })).StatusCode);
        Assert.True((await _client.GetFromJsonAsync<JsonElement[]>("/v1/charges?orderId=order-4"))!.Single().GetProperty("refunded").GetBoolean());
    }

    [Fact]
    public async Task A_message_is_accepted_once_per_provider_and_dedup_id()
    {
        var message = new { channel = "email", to = "ada@example.com", subject = "Order 1", body = "Confirmed", dedupId = "n-1" };
        var first = await _client.PostAsJsonAsync("/v1/messages/mail", message);
        var again = await _client.PostAsJsonAsync("/v1/messages/mail", message);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(
            (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messageId").GetString(),
            (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messageId").GetString());
        var listed = Assert.Single((await _client.GetFromJsonAsync<JsonElement[]>("/v1/messages?to=ada@example.com"))!);
        Assert.Equal(("mail", "email", "n-1"), (listed.GetProperty("provider").GetString(), listed.GetProperty("channel").GetString(), listed.GetProperty("dedupId").GetString()));
    }

    [Fact]
    public async Task Faults_make_a_target_fail_or_go_dark_and_charge_nothing()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsJsonAsync("/admin/faults", new { target = "payments", outage = true })).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ChargeAsync("key-5", "order-5", "tok_ok")).StatusCode);
        await _client.PostAsJsonAsync("/admin/faults", new { target = "payments", failureRate = 1.0 });
        Assert.Equal(HttpStatusCode.InternalServerError, (await ChargeAsync("key-5", "order-5", "tok_ok")).StatusCode);
        await _client.PostAsJsonAsync("/admin/faults", new { target = "mail", outage = true });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _client.PostAsJsonAsync("/v1/messages/mail", new { channel = "email", to = "x@example.com" })).StatusCode);

        await _client.PostAsJsonAsync("/admin/faults", new { target = "payments" });
        Assert.Empty((await _client.GetFromJsonAsync<JsonElement[]>("/v1/charges?orderId=order-5"))!);
        Assert.Equal(HttpStatusCode.OK, (await ChargeAsync("key-5", "order-5", "tok_ok")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.PostAsJsonAsync("/admin/faults", new { target = "payments", failureRate = 2.0 })).StatusCode);
    }

    private Task<HttpResponseMessage> ChargeAsync(string key, string orderId, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/charges") { Content = JsonContent.Create(new { orderId, amountCents = 4200, currency = "EUR", token }) };
        request.Headers.Add("Idempotency-Key", key);
        return _client.SendAsync(request);
    }
}
