using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using CommerceKit.ReferenceShop.Demo;
using System.Text.Json;

namespace CommerceKit.ReferenceShop.Tests.Cluster;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ShopClusterCollection : ICollectionFixture<ShopCluster>
{
    public const string Name = "shop cluster";
}

/// <summary>
/// Three shop processes and a simulator process sharing Redis and PostgreSQL: flash sales, one key over instances,
/// gateway faults, a killed instance, a restarted Redis. Every claim is checked from outside the shop: the simulator's
/// ledger of charges and messages, and the admin stock endpoint.
/// </summary>
[Collection(ShopClusterCollection.Name)]
public sealed class DistributedShopTests(ShopCluster cluster)
{
    private static readonly string[] Ended = ["confirmed", "failed"];

    [Fact]
    public async Task A_flash_sale_of_1000_buyers_for_100_units_confirms_100_orders_charged_once_each_with_100_emails()
    {
        await cluster.PutProductAsync("FLASH-001", 100);

        var purchases = await Buyers.CrowdAsync(cluster.Shops, 1000, "flash", "FLASH-001");

        AssertNoServerErrors(purchases);
        var confirmed = purchases.Where(purchase => purchase.Status == "confirmed").ToList();
        Assert.Equal(100, confirmed.Count);
        Assert.All(purchases.Except(confirmed), purchase => Assert.Equal(("failed", "out_of_stock"), (purchase.Status, purchase.FailureCode)));
        var charges = await ChargesOfAsync(purchases);
        Assert.Equal(100, charges.Count(charge => IsKept(charge)));
        Assert.All(confirmed, purchase => Assert.Single(charges, charge => charge.GetProperty("orderId").GetString() == purchase.OrderId && IsKept(charge)));
        var emails = await EventuallyAsync(async () => await EmailsToAsync("flash.test"), found => found.Count >= 100);
        Assert.Equal(confirmed.Select(purchase => purchase.Email).Order(), emails.Order());
        Assert.Equal((0L, 0L), await cluster.StockAsync("FLASH-001"));
    }

    [Fact]
    public async Task Fifty_requests_with_one_key_over_the_instances_make_one_order_and_one_charge_and_another_customer_gets_another_order()
    {
        await cluster.PutProductAsync("IDEM-001", 10);

        var same = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Buyers.BuyAsync(cluster.Shops, i, "idem-alice", "IDEM-001", key: "one-key")));
        var other = await Buyers.BuyAsync(cluster.Shops, 0, "idem-bob", "IDEM-001", key: "one-key");

        Assert.All(same, purchase => Assert.Equal("confirmed", purchase.Status));
        var orderId = Assert.Single(same.Select(purchase => purchase.OrderId).Distinct());
        Assert.Equal("confirmed", other.Status);
        Assert.NotEqual(orderId, other.OrderId);
        var charges = await ChargesOfAsync([same[0], other]);
        Assert.Equal(1, charges.Count(charge => charge.GetProperty("orderId").GetString() == orderId));
        Assert.Equal(2, charges.Length);
        Assert.Equal((8L, 0L), await cluster.StockAsync("IDEM-001"));
    }

    [Fact]
    public async Task A_declined_card_is_402_with_the_stock_released_no_email_and_a_late_charge_refunded_by_the_reconciliation()
    {
        await cluster.PutProductAsync("DECLINE-001", 5);

        var declined = await Buyers.BuyAsync(cluster.Shops, 0, "decline-dave", "DECLINE-001", "tok_decline", emailDomain: "decline.test");
        var control = await Buyers.BuyAsync(cluster.Shops, 1, "decline-erin", "DECLINE-001", emailDomain: "decline.test");

        Assert.Equal(("failed", "payment_declined"), (declined.Status, declined.FailureCode));
        Assert.Equal(402, declined.Answers[^1]);
        Assert.Equal("confirmed", control.Status);
        Assert.Equal((4L, 0L), await cluster.StockAsync("DECLINE-001"));
        var emails = await EventuallyAsync(async () => await EmailsToAsync("decline.test"), found => found.Count >= 1);
        Assert.Equal([control.Email], emails);

        // A charge that lands for the failed order after its saga compensated (a lost answer, a slow gateway) is found
        // by the reconciliation job, on whichever instance holds its lock, and refunded.
        using var late = new HttpRequestMessage(HttpMethod.Post, "v1/charges")
        {
            Content = JsonContent.Create(new { orderId = declined.OrderId, amountCents = 5_000, currency = "EUR", token = "tok_ok" }),
        };
        late.Headers.Add("Idempotency-Key", "late-charge");
        (await cluster.Simulator.SendAsync(late)).EnsureSuccessStatusCode();
        var refunded = await EventuallyAsync(async () => await ChargesOfAsync([declined]), found => found.All(charge => !IsKept(charge)));
        Assert.Contains(refunded, charge => charge.GetProperty("status").GetString() == "succeeded" && charge.GetProperty("refunded").GetBoolean());
    }

    [Fact]
    public async Task With_the_gateway_failing_30_percent_and_down_5_s_no_order_is_charged_twice_and_failed_orders_release_their_stock()
    {
        await cluster.PutProductAsync("FAULT-001", 40);
        await cluster.SetFaultsAsync("payments", failureRate: 0.3);
        IReadOnlyList<Purchase> purchases;
        try
        {
            var sale = Buyers.CrowdAsync(cluster.Shops, 60, "fault", "FAULT-001");
            await Task.Delay(1_000);
            await cluster.SetFaultsAsync("payments", failureRate: 0.3, outage: true);
            await Task.Delay(5_000);
            await cluster.SetFaultsAsync("payments", failureRate: 0.3);
            purchases = await sale;
        }
        finally
        {
            await cluster.SetFaultsAsync("payments");
        }

        Assert.All(purchases, purchase => Assert.Contains(purchase.Status, Ended));
        AssertNoServerErrors(purchases);
        var confirmed = purchases.Where(purchase => purchase.Status == "confirmed").ToList();
        Assert.InRange(confirmed.Count, 1, 40);
        await AssertChargedOnceAsync(purchases);
        Assert.Equal((40L - confirmed.Count, 0L), await cluster.StockAsync("FAULT-001"));
    }

    [Fact]
    public async Task An_instance_killed_mid_sale_loses_no_order_charges_nothing_twice_and_sends_no_email_twice()
    {
        await cluster.PutProductAsync("KILL-001", 50);
        IReadOnlyList<Purchase> purchases;
        try
        {
            // Every charge takes 2 s, so a second into the sale every order is in flight, a third of them on the
            // instance that is killed.
            await cluster.SetFaultsAsync("payments", latencyMs: 2_000);
            var sale = Buyers.CrowdAsync(cluster.Shops, 80, "kill", "KILL-001");
            await Task.Delay(1_000);
            cluster.Kill(2);
            purchases = await sale;
        }
        finally
        {
            await cluster.SetFaultsAsync("payments");
            await cluster.StartInstanceAsync(2);
        }

        Assert.Contains(purchases, purchase => purchase.Answers.Contains(0)); // some buyers lost their instance mid-request

        Assert.All(purchases, purchase => Assert.Contains(purchase.Status, Ended));
        var confirmed = purchases.Where(purchase => purchase.Status == "confirmed").ToList();
        Assert.Equal(50, confirmed.Count);
        await AssertChargedOnceAsync(purchases);
        var emails = await EventuallyAsync(async () => await EmailsToAsync("kill.test"), found => found.Count >= confirmed.Count);
        Assert.Equal(confirmed.Select(purchase => purchase.Email).Order(), emails.Order());
        Assert.Equal((0L, 0L), await cluster.StockAsync("KILL-001"));
    }

    [Fact]
    public async Task While_Redis_restarts_orders_get_clean_503s_nothing_is_oversold_and_service_resumes()
    {
        await cluster.PutProductAsync("REDIS-001", 30);

        var sale = Buyers.CrowdAsync(cluster.Shops, 50, "redis", "REDIS-001");
        await Task.Delay(1_000);
        cluster.Redis.Kill();
        using var probe = await OrderWhileDownAsync();
        using var ready = await cluster.Shops[1].GetAsync("health/ready");
        await cluster.Redis.RestartAsync();
        var purchases = await sale;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, probe.StatusCode);
        Assert.Equal("backend_unavailable", (await probe.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.All(purchases, purchase => Assert.Contains(purchase.Status, Ended));
        AssertNoServerErrors(purchases);
        var confirmed = purchases.Count(purchase => purchase.Status == "confirmed");
        Assert.Equal(30, confirmed);
        await AssertChargedOnceAsync(purchases);
        Assert.Equal((0L, 0L), await cluster.StockAsync("REDIS-001"));
        var after = await Buyers.BuyAsync(cluster.Shops, 2, "redis-after", "REDIS-001");
        Assert.Equal(("failed", "out_of_stock"), (after.Status, after.FailureCode));
    }

    [Fact]
    public async Task Another_customers_order_and_notifications_are_404_and_admin_endpoints_without_the_key_are_401()
    {
        await cluster.PutProductAsync("PRIVATE-001", 5);
        var mine = await Buyers.BuyAsync(cluster.Shops, 0, "private-frank", "PRIVATE-001");
        Assert.Equal("confirmed", mine.Status);

        foreach (var shop in cluster.Shops)
        {
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(shop, HttpMethod.Get, $"orders/{mine.OrderId}", ("X-Customer-Id", "private-grace")));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(shop, HttpMethod.Get, $"orders/{mine.OrderId}", ("X-Customer-Id", "private-frank")));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(shop, HttpMethod.Get, $"orders/{mine.OrderId}", ("X-Admin-Key", ShopCluster.AdminKey)));
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(shop, HttpMethod.Get, "customers/private-frank/notifications", ("X-Customer-Id", "private-grace")));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(shop, HttpMethod.Get, "admin/stats"));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(shop, HttpMethod.Get, "admin/stock/PRIVATE-001", ("X-Admin-Key", "wrong")));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(shop, HttpMethod.Put, "admin/products/PRIVATE-001"));
        }

        var notifications = await EventuallyAsync(
            async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "customers/private-frank/notifications");
                request.Headers.Add("X-Customer-Id", "private-frank");
                using var response = await cluster.Shops[2].SendAsync(request);
                return (await response.Content.ReadFromJsonAsync<JsonElement[]>())!.Where(n => n.GetProperty("status").GetString() == "sent").ToList();
            },
            found => found.Count >= 2);
        Assert.Equal(["email", "push"], notifications.Select(n => n.GetProperty("channel").GetString()).Order());
    }

    [Fact]
    public async Task A_product_updated_on_one_instance_is_served_with_its_new_values_by_every_instance_within_a_second()
    {
        await cluster.PutProductAsync("CACHE-001", 5, priceCents: 1_000);
        foreach (var shop in cluster.Shops)
        {
            Assert.Equal(1_000, (await shop.GetFromJsonAsync<JsonElement>("products/CACHE-001")).GetProperty("priceCents").GetInt64());
        }

        await cluster.PutProductAsync("CACHE-001", 5, priceCents: 2_000);
        var clock = Stopwatch.StartNew();
        foreach (var shop in cluster.Shops)
        {
            while ((await shop.GetFromJsonAsync<JsonElement>("products/CACHE-001")).GetProperty("priceCents").GetInt64() != 2_000)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"{shop.BaseAddress} still serves the old price after {clock.Elapsed}");
                await Task.Delay(50);
            }
        }
    }

    [Fact]
    public async Task Through_Kestrel_an_oversized_order_body_is_a_413_payload_too_large_problem_and_malformed_json_a_400_problem()
    {
        var huge = string.Join(",", Enumerable.Repeat("""{"sku":"FLASH-001","quantity":1}""", 5_000));

        var (oversized, oversizedCode) = await PostOrderAsync($$"""{"items":[{{huge}}],"paymentToken":"tok_ok","email":"big@body.test"}""");
        var (malformed, malformedCode) = await PostOrderAsync("""{"items":[{"sku":""");

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "payload_too_large"), (oversized, oversizedCode));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (malformed, malformedCode));

        async Task<(HttpStatusCode, string?)> PostOrderAsync(string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "orders") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            request.Headers.Add("X-Customer-Id", "big-body");
            using var response = await cluster.Shops[0].SendAsync(request);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            return (response.StatusCode, problem.GetProperty("code").GetString());
        }
    }

    // A 500 is a bug: the instances' logs say which.
    private void AssertNoServerErrors(IReadOnlyList<Purchase> purchases)
    {
        var failed = purchases.Where(purchase => purchase.Answers.Contains(500)).ToList();
        Assert.True(
            failed.Count == 0,
            $"{failed.Count} purchases got a 500, first {failed.FirstOrDefault()}\n"
            + string.Join("\n", Enumerable.Range(0, cluster.Shops.Count).Select(i => $"instance {i}: {ErrorsOf(cluster.OutputOf(i))}")));

        static string ErrorsOf(string output) => string.Join(
            "\n", output.Split('\n').Where(line => line.Contains("Exception", StringComparison.Ordinal) && !line.TrimStart().StartsWith("at ", StringComparison.Ordinal)).Distinct().Take(10));
    }

    private async Task<HttpResponseMessage> OrderWhileDownAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { sku = "REDIS-001", quantity = 1 } }, paymentToken = "tok_ok", email = "probe@redis.test" }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        request.Headers.Add("X-Customer-Id", "redis-probe");
        return await cluster.Shops[0].SendAsync(request);
    }

    // Every order has at most one charge that was kept (succeeded, not refunded); a confirmed one exactly one. A failed
    // order's charge may be refunded a moment later (the reconciliation), so that part is awaited.
    private async Task AssertChargedOnceAsync(IReadOnlyList<Purchase> purchases)
    {
        var charges = await EventuallyAsync(
            async () => await ChargesOfAsync(purchases),
            found => purchases.Where(purchase => purchase.Status != "confirmed").All(purchase => !found.Any(charge => IsOf(charge, purchase) && IsKept(charge))));
        foreach (var purchase in purchases)
        {
            var kept = charges.Count(charge => IsOf(charge, purchase) && IsKept(charge));
            Assert.Equal(purchase.Status == "confirmed" ? 1 : 0, kept);
        }
    }

    private async Task<JsonElement[]> ChargesOfAsync(IReadOnlyList<Purchase> purchases)
    {
        var orders = purchases.Select(purchase => purchase.OrderId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return [.. (await cluster.ChargesAsync()).Where(charge => orders.Contains(charge.GetProperty("orderId").GetString()!))];
    }

    private async Task<List<string>> EmailsToAsync(string domain) =>
        [.. (await cluster.MessagesAsync())
            .Where(message => message.GetProperty("channel").GetString() == "email" && message.GetProperty("to").GetString()!.EndsWith("@" + domain, StringComparison.Ordinal))
            .Select(message => message.GetProperty("to").GetString()!)];

    private static bool IsOf(JsonElement charge, Purchase purchase) => charge.GetProperty("orderId").GetString() == purchase.OrderId;

    private static bool IsKept(JsonElement charge) => charge.GetProperty("status").GetString() == "succeeded" && !charge.GetProperty("refunded").GetBoolean();

    private static async Task<HttpStatusCode> StatusAsync(HttpClient shop, HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        if (method == HttpMethod.Put)
        {
            request.Content = JsonContent.Create(new { name = "x", priceCents = 1, currency = "EUR", onHand = 1 });
        }

        using var response = await shop.SendAsync(request);
        return response.StatusCode;
    }

    // Polls until the condition holds or 30 s passed, and returns the last value either way: the caller asserts on it.
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var clock = Stopwatch.StartNew();
        var value = await read();
        while (!done(value) && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(250);
            value = await read();
        }

        return value;
    }
}
