using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommerceKit.Inventory;
using CommerceKit.ReferenceShop.Orders;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.ReferenceShop.Tests;

/// <summary><c>POST /orders</c> and <c>GET /orders/{id}</c> in embedded mode, the gateway being the in-process simulator.</summary>
public sealed class OrderEndpointTests : IDisposable
{
    private readonly ShopFactory _shop = new();
    private readonly HttpClient _client;

    public OrderEndpointTests() => _client = _shop.CreateClient();

    public void Dispose() => _shop.Dispose();

    [Fact]
    public async Task An_order_paid_with_tok_ok_is_201_confirmed_charged_once_and_takes_its_stock()
    {
        using var response = await OrderAsync("alice", "key-1", "tok_ok", ("FLASH-001", 2));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = await response.Content.ReadFromJsonAsync<JsonElement>();
        var orderId = order.GetProperty("orderId").GetString()!;
        Assert.Equal("confirmed", order.GetProperty("status").GetString());
        Assert.Equal(response.Headers.Location!.ToString(), $"/orders/{orderId}");
        var charges = await _client.GetFromJsonAsync<JsonElement[]>($"/simulator/v1/charges?orderId={orderId}");
        var charge = Assert.Single(charges!);
        Assert.Equal(order.GetProperty("totalCents").GetInt64(), charge.GetProperty("amountCents").GetInt64());
        Assert.Equal("succeeded", charge.GetProperty("status").GetString());
        var stock = await _shop.Services.GetRequiredService<IInventory>().GetStockAsync("FLASH-001");
        Assert.Equal((98L, 0L), (stock.OnHand, stock.Reserved));

        using var read = Get($"/orders/{orderId}", "alice");
        var shown = await (await _client.SendAsync(read)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("confirmed", "alice"), (shown.GetProperty("status").GetString(), shown.GetProperty("customerId").GetString()));
        Assert.Equal(
            ["reserve-stock Succeeded", "charge-payment Succeeded", "confirm-stock Succeeded", "save-order Succeeded"],
            shown.GetProperty("saga").GetProperty("steps").EnumerateArray().Select(step => $"{step.GetProperty("name").GetString()} {step.GetProperty("status").GetString()}"));
    }

    [Fact]
    public async Task A_replay_answers_the_original_201_with_Idempotent_Replayed_and_charges_nothing_more()
    {
        using var first = await OrderAsync("bob", "key-2", "tok_ok", ("FLASH-001", 1));
        using var again = await OrderAsync("bob", "key-2", "tok_ok", ("FLASH-001", 1));
        using var otherCustomer = await OrderAsync("carol", "key-2", "tok_ok", ("FLASH-001", 1));

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, otherCustomer.StatusCode);
        Assert.Equal(2, (await _client.GetFromJsonAsync<JsonElement[]>("/simulator/v1/charges"))!.Length);
    }

    [Fact]
    public async Task A_declined_card_is_402_payment_declined_with_the_stock_released_and_the_order_failed()
    {
        using var response = await OrderAsync("dave", "key-3", "tok_decline", ("FLASH-001", 5));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal("payment_declined", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var stock = await _shop.Services.GetRequiredService<IInventory>().GetStockAsync("FLASH-001");
        Assert.Equal((100L, 0L), (stock.OnHand, stock.Reserved));
    }

    [Fact]
    public async Task More_than_the_stock_is_409_out_of_stock_and_charges_nothing()
    {
        using var all = await OrderAsync("erin", "key-4", "tok_ok", ("FLASH-001", 100));
        using var more = await OrderAsync("erin", "key-5", "tok_ok", ("FLASH-001", 1));

        Assert.Equal(HttpStatusCode.Created, all.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, more.StatusCode);
        Assert.Equal("out_of_stock", (await more.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Single((await _client.GetFromJsonAsync<JsonElement[]>("/simulator/v1/charges"))!);
    }

    [Fact]
    public async Task Bad_requests_get_the_contracts_4xx_problems()
    {
        await AssertProblemAsync(await SendAsync("frank", null, """{"items":[{"sku":"FLASH-001","quantity":1}],"paymentToken":"tok_ok","email":"f@example.com"}"""), 400, "idempotency_key_missing");
        await AssertProblemAsync(await SendAsync(null, "k1", """{"items":[{"sku":"FLASH-001","quantity":1}],"paymentToken":"tok_ok","email":"f@example.com"}"""), 400, "invalid_request");
        await AssertProblemAsync(await SendAsync("frank", "k2", """{"items":[],"paymentToken":"tok_ok","email":"f@example.com"}"""), 400, "invalid_request");
        await AssertProblemAsync(await SendAsync("frank", "k3", """{"items":[{"sku":"FLASH-001","quantity":0}],"paymentToken":"tok_ok","email":"f@example.com"}"""), 400, "invalid_request");
        await AssertProblemAsync(await SendAsync("frank", "k4", """{"items":[{"sku":"FLASH-001","quantity":-3}],"paymentToken":"tok_ok","email":"f@example.com"}"""), 400, "invalid_request");
        await AssertProblemAsync(await SendAsync("frank", "k5", """{"items":[{"sku":"NOPE-404","quantity":1}],"paymentToken":"tok_ok","email":"f@example.com"}"""), 422, "unknown_sku");
        await AssertProblemAsync(await SendAsync("frank", "k6", """{"items":[{"sku":"FLASH-001","quantity":1}],"paymentToken":"tok_ok","email":"nobody"}"""), 400, "invalid_request");
        await AssertProblemAsync(await SendAsync("frank", "k7", """{"items":[{"sku":"FLASH-001","quantity":"two"}]}"""), 400, "invalid_request");
        await AssertProblemAsync(await SendAsync("frank", "k8", """{"items":"""), 400, "invalid_request");
        await AssertProblemAsync(await SendAsync("frank", "k9", """{"items":[{"sku":"FLASH-001","quantity":1}],"paymentToken":"tok_bogus","email":"f@example.com"}"""), 400, "invalid_request");
        Assert.Empty((await _client.GetFromJsonAsync<JsonElement[]>("/simulator/v1/charges?orderId=none"))!);
    }

    [Fact]
    public async Task Too_many_lines_and_oversized_or_malformed_headers_get_400_problems()
    {
        const string Order = """{"items":[{"sku":"FLASH-001","quantity":1}],"paymentToken":"tok_ok","email":"o@example.com"}""";
        var lines = string.Join(",", Enumerable.Repeat("""{"sku":"FLASH-001","quantity":1}""", 51));
        var huge = string.Join(",", Enumerable.Repeat("""{"sku":"FLASH-001","quantity":1}""", 10_000));

        await AssertProblemAsync(await SendAsync("olga", "k1", $$"""{"items":[{{lines}}],"paymentToken":"tok_ok","email":"o@example.com"}"""), 400, "invalid_request");
        await AssertProblemAsync(await SendAsync("olga", "k2", $$"""{"items":[{{huge}}],"paymentToken":"tok_ok","email":"o@example.com"}"""), 400, "invalid_request");
        await AssertProblemAsync(await SendAsync(new string('c', 5_000), "k3", Order), 400, "invalid_request");
        await AssertProblemAsync(await SendAsync("olga", new string('k', 5_000), Order), 400, "invalid_request");
        await AssertProblemAsync(await SendAsync("olga", "bad\u0001key", Order), 400, "invalid_request");
        var stock = await _shop.Services.GetRequiredService<IInventory>().GetStockAsync("FLASH-001");
        Assert.Equal((100L, 0L), (stock.OnHand, stock.Reserved));
    }

    [Fact]
    public async Task Order_answers_carry_the_per_customer_RateLimit_headers_beside_the_per_address_ones()
    {
        using var placed = await OrderAsync("pete", "headers-1", "tok_ok", ("FLASH-001", 1));

        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var policy = string.Join(", ", placed.Headers.GetValues("RateLimit-Policy"));
        var limit = string.Join(", ", placed.Headers.GetValues("RateLimit"));
        Assert.Contains("\"orders-per-customer\";q=3;w=60", policy, StringComparison.Ordinal);
        Assert.Contains("\"per-address\"", policy, StringComparison.Ordinal);
        Assert.Contains("\"orders-per-customer\";r=2;", limit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_customers_order_is_404_and_the_admin_key_shows_it()
    {
        using var placed = await OrderAsync("gina", "key-6", "tok_ok", ("FLASH-001", 1));
        var orderId = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderId").GetString();

        using var stranger = Get($"/orders/{orderId}", "mallory");
        using var admin = Get($"/orders/{orderId}", null);
        admin.Headers.Add(OrderEndpoints.AdminKeyHeader, "test-admin-key");

        Assert.Equal(HttpStatusCode.NotFound, (await _client.SendAsync(stranger)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(admin)).StatusCode);
        using var unknown = Get("/orders/ord_unknown", "gina");
        Assert.Equal(HttpStatusCode.NotFound, (await _client.SendAsync(unknown)).StatusCode);
    }

    [Fact]
    public async Task The_per_customer_limit_counts_new_orders_only_and_answers_429_with_Retry_After()
    {
        for (var n = 0; n < 3; n++)
        {
            using var placed = await OrderAsync("hank", $"limit-{n}", "tok_ok", ("FLASH-001", 1));
            Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        }

        using var replay = await OrderAsync("hank", "limit-0", "tok_ok", ("FLASH-001", 1));
        using var fourth = await OrderAsync("hank", "limit-3", "tok_ok", ("FLASH-001", 1));

        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        await AssertProblemAsync(fourth, 429, "rate_limited");
        Assert.True(fourth.Headers.RetryAfter is not null);
        using var otherCustomer = await OrderAsync("ivy", "limit-3", "tok_ok", ("FLASH-001", 1));
        Assert.Equal(HttpStatusCode.Created, otherCustomer.StatusCode);
    }

    [Fact]
    public async Task A_confirmed_order_sends_one_confirmation_email_and_a_push_and_a_declined_one_sends_nothing()
    {
        using var confirmed = await OrderAsync("jane", "key-7", "tok_ok", ("FLASH-001", 1));
        using var again = await OrderAsync("jane", "key-7", "tok_ok", ("FLASH-001", 1));
        using var declined = await OrderAsync("kim", "key-8", "tok_decline", ("FLASH-001", 1));
        var orderId = (await confirmed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderId").GetString();

        JsonElement[] listed = [];
        for (var wait = 0; wait < 100 && listed.Count(n => n.GetProperty("status").GetString() == "sent") < 2; wait++)
        {
            await Task.Delay(100);
            using var request = Get("/customers/jane/notifications", "jane");
            listed = (await (await _client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement[]>())!;
        }

        Assert.Equal(["email order-confirmation sent", "push order-push sent"], listed.Select(n => $"{n.GetProperty("channel").GetString()} {n.GetProperty("template").GetString()} {n.GetProperty("status").GetString()}").Order());
        var emails = (await _client.GetFromJsonAsync<JsonElement[]>("/simulator/v1/messages?to=jane@example.com"))!;
        var email = Assert.Single(emails);
        Assert.Equal($"Your order {orderId}", email.GetProperty("subject").GetString());
        Assert.Empty((await _client.GetFromJsonAsync<JsonElement[]>("/simulator/v1/messages?to=kim@example.com"))!);
        using var stranger = Get("/customers/jane/notifications", "kim");
        Assert.Equal(HttpStatusCode.NotFound, (await _client.SendAsync(stranger)).StatusCode);
    }

    [Fact]
    public async Task Admin_stock_and_stats_need_the_admin_key_and_show_the_orders()
    {
        using var placed = await OrderAsync("liz", "key-9", "tok_ok", ("FLASH-001", 3));
        using var declined = await OrderAsync("liz", "key-10", "tok_decline", ("FLASH-001", 1));

        using var noKey = new HttpRequestMessage(HttpMethod.Get, "/admin/stock/FLASH-001");
        using var wrongKey = Admin("/admin/stats", "guess");
        await AssertProblemAsync(await _client.SendAsync(noKey), 401, "unauthorized");
        await AssertProblemAsync(await _client.SendAsync(wrongKey), 401, "unauthorized");

        using var stockRequest = Admin("/admin/stock/FLASH-001", "test-admin-key");
        var stock = await (await _client.SendAsync(stockRequest)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((97L, 0L, 97L), (stock.GetProperty("onHand").GetInt64(), stock.GetProperty("reserved").GetInt64(), stock.GetProperty("available").GetInt64()));
        using var unknown = Admin("/admin/stock/NOPE-1", "test-admin-key");
        Assert.Equal(HttpStatusCode.NotFound, (await _client.SendAsync(unknown)).StatusCode);

        using var statsRequest = Admin("/admin/stats", "test-admin-key");
        var stats = await (await _client.SendAsync(statsRequest)).Content.ReadFromJsonAsync<JsonElement>();
        var orders = stats.GetProperty("orders");
        Assert.Equal((1L, 1L, 0L), (orders.GetProperty("confirmed").GetInt64(), orders.GetProperty("failed").GetInt64(), orders.GetProperty("pending").GetInt64()));
        Assert.Equal(0L, stats.GetProperty("reservedUnits").GetInt64());
        Assert.True(stats.GetProperty("rateLimitRejections").GetInt64() >= 0);
        Assert.True(stats.TryGetProperty("cache", out _) && stats.TryGetProperty("outbox", out _) && stats.TryGetProperty("notifications", out _));
    }

    [Fact]
    public async Task An_admin_product_update_is_served_at_once_and_sets_the_stock()
    {
        var before = await _client.GetFromJsonAsync<JsonElement>("/products/FLASH-001");
        var update = new { name = "Flash deal, now cheaper", description = "Same thing.", priceCents = 9900, currency = "eur", onHand = 40 };

        using var unauthorized = new HttpRequestMessage(HttpMethod.Put, "/admin/products/FLASH-001") { Content = JsonContent.Create(update) };
        using var invalid = Admin("/admin/products/FLASH-001", "test-admin-key", HttpMethod.Put, new { name = "", priceCents = -1, currency = "euro", onHand = 1 });
        using var put = Admin("/admin/products/FLASH-001", "test-admin-key", HttpMethod.Put, update);
        await AssertProblemAsync(await _client.SendAsync(unauthorized), 401, "unauthorized");
        await AssertProblemAsync(await _client.SendAsync(invalid), 400, "invalid_request");
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(put)).StatusCode);

        var after = await _client.GetFromJsonAsync<JsonElement>("/products/FLASH-001");
        Assert.NotEqual(before.GetProperty("name").GetString(), after.GetProperty("name").GetString());
        Assert.Equal(("Flash deal, now cheaper", 9900L, "EUR"), (after.GetProperty("name").GetString(), after.GetProperty("priceCents").GetInt64(), after.GetProperty("currency").GetString()));
        using var stock = Admin("/admin/stock/FLASH-001", "test-admin-key");
        Assert.Equal(40L, (await (await _client.SendAsync(stock)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("onHand").GetInt64());
    }

    private static HttpRequestMessage Admin(string path, string key, HttpMethod method, object body)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Add(OrderEndpoints.AdminKeyHeader, key);
        return request;
    }

    [Fact]
    public async Task With_the_gateway_failing_30_percent_of_calls_no_order_is_charged_twice_and_each_ends_confirmed_or_failed()
    {
        await _client.PostAsJsonAsync("/simulator/admin/faults", new { target = "payments", failureRate = 0.3 });

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(n => OrderAsync($"buyer-{n}", $"faulty-{n}", "tok_ok", ("FLASH-001", 1))));

        var charges = (await _client.GetFromJsonAsync<JsonElement[]>("/simulator/v1/charges"))!;
        Assert.All(charges.Where(c => c.GetProperty("status").GetString() == "succeeded").GroupBy(c => c.GetProperty("orderId").GetString()), order => Assert.Single(order));
        var confirmed = 0;
        foreach (var answer in answers)
        {
            Assert.True(answer.StatusCode is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"{answer.StatusCode}");
            confirmed += answer.StatusCode == HttpStatusCode.Created ? 1 : 0;
        }

        Assert.Equal(confirmed, charges.Count(c => c.GetProperty("status").GetString() == "succeeded" && !c.GetProperty("refunded").GetBoolean()));
        var stock = await _shop.Services.GetRequiredService<IInventory>().GetStockAsync("FLASH-001");
        Assert.Equal((100L - confirmed, 0L), (stock.OnHand, stock.Reserved));
    }

    [Fact]
    public async Task With_the_gateway_down_an_order_fails_payment_unavailable_with_its_stock_released_and_nothing_charged()
    {
        await _client.PostAsJsonAsync("/simulator/admin/faults", new { target = "payments", outage = true });

        using var response = await OrderAsync("olga", "down-1", "tok_ok", ("FLASH-001", 4));

        await AssertProblemAsync(response, 503, "backend_unavailable");
        Assert.Empty((await _client.GetFromJsonAsync<JsonElement[]>("/simulator/v1/charges"))!);
        var stock = await _shop.Services.GetRequiredService<IInventory>().GetStockAsync("FLASH-001");
        Assert.Equal((100L, 0L), (stock.OnHand, stock.Reserved));
    }

    private static HttpRequestMessage Admin(string path, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(OrderEndpoints.AdminKeyHeader, key);
        return request;
    }

    private Task<HttpResponseMessage> OrderAsync(string customer, string key, string token, params (string Sku, int Quantity)[] items) =>
        SendAsync(customer, key, JsonSerializer.Serialize(new
        {
            items = items.Select(item => new { sku = item.Sku, quantity = item.Quantity }),
            paymentToken = token,
            email = $"{customer}@example.com",
        }));

    private Task<HttpResponseMessage> SendAsync(string? customer, string? key, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (customer is not null)
        {
            request.Headers.Add(OrderEndpoints.CustomerHeader, customer);
        }

        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return _client.SendAsync(request);
    }

    private static HttpRequestMessage Get(string path, string? customer)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (customer is not null)
        {
            request.Headers.Add(OrderEndpoints.CustomerHeader, customer);
        }

        return request;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string code)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == status, $"{(int)response.StatusCode} {body}");
            Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
        }
    }
}
