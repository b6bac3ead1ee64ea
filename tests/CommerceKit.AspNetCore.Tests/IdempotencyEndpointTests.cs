using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommerceKit.AspNetCore.ProblemDetails;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.TestServers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommerceKit.AspNetCore.Tests;

/// <summary><c>RequireIdempotency</c> on a POST endpoint: the IETF draft's answers, in memory and across three hosts on Redis.</summary>
public sealed class IdempotencyEndpointTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private readonly Shop _shop = new();

    [Fact]
    public async Task A_retry_replays_the_first_status_body_and_headers_marked_as_replayed()
    {
        using var host = await StartAsync();
        using var client = host.GetTestClient();

        using var first = await OrderAsync(client, "alice", "key-1", new("SKU-1", 2));
        using var retry = await OrderAsync(client, "alice", "\"key-1\"", new("SKU-1", 2));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", Header(retry, "Idempotent-Replayed"));
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal("application/json", retry.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(1, _shop.Runs);
    }

    [Fact]
    public async Task A_handler_that_writes_the_response_itself_is_replayed_too()
    {
        using var host = await StartAsync();
        using var client = host.GetTestClient();

        using var first = await SendAsync(client, "/receipts", "alice", "key-1", new("SKU-1", 1));
        using var retry = await SendAsync(client, "/receipts", "alice", "key-1", new("SKU-1", 1));

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal("text/plain", retry.Content.Headers.ContentType?.MediaType);
        Assert.Equal("receipt-1", await first.Content.ReadAsStringAsync());
        Assert.Equal("receipt-1", await retry.Content.ReadAsStringAsync());
        Assert.Equal(1, _shop.Runs);
    }

    [Fact]
    public async Task A_missing_key_is_400_idempotency_key_missing_and_nothing_runs()
    {
        using var host = await StartAsync();
        using var client = host.GetTestClient();

        using var response = await OrderAsync(client, "alice", key: null, new("SKU-1", 1));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemCodes.IdempotencyKeyMissing);
        Assert.Equal(0, _shop.Runs);
    }

    [Theory]
    [InlineData("oversized")]
    [InlineData("a\tb")]
    [InlineData("\"unterminated")]
    [InlineData("\"bad\\escape\"")]
    public async Task A_malformed_key_is_400_invalid_request(string key)
    {
        using var host = await StartAsync();
        using var client = host.GetTestClient();

        using var response = await OrderAsync(client, "alice", key == "oversized" ? new string('k', 256) : key, new("SKU-1", 1));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemCodes.InvalidRequest);
        Assert.Equal(0, _shop.Runs);
    }

    [Fact]
    public async Task A_missing_scope_header_is_400_invalid_request()
    {
        using var host = await StartAsync();
        using var client = host.GetTestClient();

        using var response = await OrderAsync(client, customer: null, "key-1", new("SKU-1", 1));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemCodes.InvalidRequest);
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422_idempotency_key_reused()
    {
        using var host = await StartAsync();
        using var client = host.GetTestClient();

        using var first = await OrderAsync(client, "alice", "key-1", new("SKU-1", 1));
        using var reused = await OrderAsync(client, "alice", "key-1", new("SKU-1", 5));

        await AssertProblemAsync(reused, HttpStatusCode.UnprocessableEntity, ProblemCodes.IdempotencyKeyReused);
        Assert.Equal(1, _shop.Runs);
    }

    [Fact]
    public async Task A_retry_while_the_first_runs_is_409_with_retry_after()
    {
        using var host = await StartAsync();
        using var client = host.GetTestClient();
        _shop.Hold();

        var first = OrderAsync(client, "alice", "key-1", new("SKU-1", 1));
        await _shop.Entered.Task;
        using var retry = await OrderAsync(client, "alice", "key-1", new("SKU-1", 1));
        _shop.Resume();

        await AssertProblemAsync(retry, HttpStatusCode.Conflict, ProblemCodes.IdempotencyKeyInUse);
        Assert.InRange(long.Parse(Header(retry, "Retry-After"), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        using var completed = await first;
        Assert.Equal(HttpStatusCode.Created, completed.StatusCode);
    }

    [Fact]
    public async Task Another_customers_same_key_runs_separately()
    {
        using var host = await StartAsync();
        using var client = host.GetTestClient();

        using var alice = await OrderAsync(client, "alice", "key-1", new("SKU-1", 1));
        using var bob = await OrderAsync(client, "bob", "key-1", new("SKU-1", 1));

        Assert.Equal(HttpStatusCode.Created, bob.StatusCode);
        Assert.False(bob.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(alice.Headers.Location, bob.Headers.Location);
        Assert.Equal(2, _shop.Runs);
    }

    [Fact]
    public async Task A_business_error_is_stored_and_replayed_and_a_server_error_or_429_lets_the_retry_run()
    {
        using var host = await StartAsync();
        using var client = host.GetTestClient();

        using var unknown = await OrderAsync(client, "alice", "key-1", new("UNKNOWN", 1));
        using var unknownAgain = await OrderAsync(client, "alice", "key-1", new("UNKNOWN", 1));
        using var failed = await OrderAsync(client, "alice", "key-2", new("FAIL", 1));
        using var failedAgain = await OrderAsync(client, "alice", "key-2", new("FAIL", 1));

        await AssertProblemAsync(unknownAgain, HttpStatusCode.UnprocessableEntity, "unknown_sku");
        Assert.Equal("true", Header(unknownAgain, "Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failedAgain.StatusCode);
        Assert.False(failedAgain.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(3, _shop.Runs);

        // A 429 is no outcome either: the retry (after Retry-After) runs again instead of replaying the refusal.
        using var limited = await OrderAsync(client, "alice", "key-3", new("LIMITED", 1));
        using var limitedAgain = await OrderAsync(client, "alice", "key-3", new("LIMITED", 1));
        Assert.Equal(HttpStatusCode.TooManyRequests, limitedAgain.StatusCode);
        Assert.False(limitedAgain.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(5, _shop.Runs);
    }

    [Fact]
    public async Task Fifty_concurrent_identical_requests_on_three_hosts_place_one_order()
    {
        var keyPrefix = TestEnvironment.UniqueKeyPrefix();
        using var host1 = await StartAsync(keyPrefix);
        using var host2 = await StartAsync(keyPrefix);
        using var host3 = await StartAsync(keyPrefix);
        HttpClient[] clients = [host1.GetTestClient(), host2.GetTestClient(), host3.GetTestClient()];
        _shop.Delay = TimeSpan.FromMilliseconds(200);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => OrderAsync(clients[i % 3], "alice", "key-1", new("SKU-1", 1)))));

        Assert.Equal(1, _shop.Runs);
        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        var bodies = await Task.WhenAll(created.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        Assert.Single(created, r => !r.Headers.Contains("Idempotent-Replayed"));
        foreach (var conflict in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await AssertProblemAsync(conflict, HttpStatusCode.Conflict, ProblemCodes.IdempotencyKeyInUse);
            Assert.True(conflict.Headers.Contains("Retry-After"));
        }
    }

    [Fact]
    public async Task With_redis_down_the_answer_is_503_backend_unavailable_and_the_endpoint_does_not_run()
    {
        await using var server = await RedisServer.StartAsync();
        using var host = await StartAsync(TestEnvironment.UniqueKeyPrefix(), server.Configuration);
        using var client = host.GetTestClient();
        using var before = await OrderAsync(client, "alice", "key-1", new("SKU-1", 1));

        server.Kill();
        using var during = await OrderAsync(client, "alice", "key-2", new("SKU-1", 1));

        Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        await AssertProblemAsync(during, HttpStatusCode.ServiceUnavailable, ProblemCodes.BackendUnavailable);
        Assert.Equal(1, _shop.Runs);
    }

    [Fact]
    public async Task Requiring_idempotency_without_registering_it_fails_when_the_endpoint_is_built_saying_what_to_call()
    {
        using var host = await new HostBuilder()
            .ConfigureWebHost(web => web
                .UseTestServer()
                .ConfigureServices(services => services.AddRouting())
                .Configure(app => app.UseRouting().UseEndpoints(endpoints => endpoints.MapPost("/orders", () => "ok").RequireIdempotency())))
            .StartAsync();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => host.GetTestClient().PostAsync(new Uri("/orders", UriKind.Relative), null));
        Assert.Contains("AddIdempotency()", failure.Message, StringComparison.Ordinal);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : throw new Xunit.Sdk.XunitException($"no {name} header");

    private static Task<HttpResponseMessage> OrderAsync(HttpClient client, string? customer, string? key, OrderRequest order) =>
        SendAsync(client, "/orders", customer, key, order);

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string? customer, string? key, OrderRequest order)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(order) };
        if (customer is not null)
        {
            request.Headers.Add("X-Customer-Id", customer);
        }

        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        return client.SendAsync(request);
    }

    /// <summary>Starts a host; hosts given the same Redis key prefix share their idempotency records, else each has its own memory.</summary>
    private async Task<IHost> StartAsync(string? redisKeyPrefix = null, string? redisConfiguration = null) =>
        await new HostBuilder()
            .ConfigureWebHost(web => web
                .UseTestServer()
                .ConfigureServices(services =>
                {
                    var commerceKit = services.AddRouting().AddCommerceKitProblemDetails().AddCommerceKit(o => o.KeyPrefix = redisKeyPrefix ?? "ck");
                    _ = redisKeyPrefix is null
                        ? commerceKit.AddIdempotency()
                        : commerceKit.AddRedis(o =>
                        {
                            o.Configuration = redisConfiguration ?? redis.Configuration;
                            o.RetryAttempts = 0;
                        }).AddIdempotency(idempotency => idempotency.UseRedis());
                })
                .Configure(app =>
                {
                    app.UseExceptionHandler();
                    app.UseRouting();
                    app.UseEndpoints(endpoints =>
                    {
                        var idempotent = endpoints.MapGroup("").RequireIdempotency(o => o.ScopeHeader = "X-Customer-Id");
                        idempotent.MapPost("/orders", (OrderRequest order, CancellationToken token) => _shop.PlaceAsync(order, token));
                        idempotent.MapPost("/receipts", (OrderRequest order, HttpContext http) => _shop.WriteReceiptAsync(http));
                    });
                }))
            .StartAsync();

    private sealed record OrderRequest(string Sku, int Quantity);

    /// <summary>The endpoint: counts its runs, and can be held mid-request or slowed.</summary>
    private sealed class Shop
    {
        private int _runs;
        private TaskCompletionSource? _gate;

        public int Runs => Volatile.Read(ref _runs);

        public TimeSpan Delay { get; set; }

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Resume() => _gate!.SetResult();

        public async Task WriteReceiptAsync(HttpContext http)
        {
            var run = Interlocked.Increment(ref _runs);
            http.Response.StatusCode = StatusCodes.Status202Accepted;
            http.Response.ContentType = "text/plain";
            await http.Response.WriteAsync("receipt-" + run);
        }

        public async Task<IResult> PlaceAsync(OrderRequest order, CancellationToken token)
        {
            var run = Interlocked.Increment(ref _runs);
            Entered.TrySetResult();
            if (_gate is { } gate)
            {
                await gate.Task.WaitAsync(token);
            }

            await Task.Delay(Delay, token);
            return order.Sku switch
            {
                "UNKNOWN" => CommerceKitProblems.Problem(422, "unknown_sku", $"No product {order.Sku}."),
                "FAIL" => CommerceKitProblems.Problem(503, ProblemCodes.BackendUnavailable, "The payment gateway is down."),
                "LIMITED" => CommerceKitProblems.Problem(429, "rate_limited", "Too many orders."),
                _ => Results.Created($"/orders/o-{run}", new { orderId = $"o-{run}", order.Sku, order.Quantity }),
            };
        }
    }
}
