using System.Net;
using System.Text.Json;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommerceKit.AspNetCore.Tests;

/// <summary>
/// A CommerceKit policy inside ASP.NET Core's own <c>app.UseRateLimiter()</c>, in memory (decided synchronously) and on
/// Redis (decided asynchronously, after the middleware's synchronous attempt is refused).
/// </summary>
public sealed class RateLimitingMiddlewareTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    public static TheoryData<string> Backends => ["memory", "redis"];

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Limited_requests_get_429_with_retry_after_and_a_problem_and_every_response_carries_the_headers(string backend)
    {
        using var host = await StartAsync(backend);
        using var client = host.GetTestClient();

        using var first = await OrderAsync(client, "alice");
        using var second = await OrderAsync(client, "alice");
        using var third = await OrderAsync(client, "alice");
        using var otherCustomer = await OrderAsync(client, "bob");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("\"orders\";q=2;w=3600", Header(first, "RateLimit-Policy"));
        Assert.StartsWith("\"orders\";r=1;t=", Header(first, "RateLimit"), StringComparison.Ordinal);
        Assert.StartsWith("\"orders\";r=0;t=", Header(second, "RateLimit"), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.InRange(long.Parse(Header(third, "Retry-After"), System.Globalization.CultureInfo.InvariantCulture), 1, 3600);
        Assert.Equal("application/problem+json", third.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await third.Content.ReadAsStringAsync());
        Assert.Equal("rate_limited", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("\"orders\";q=2;w=3600", Header(third, "RateLimit-Policy"));
        Assert.StartsWith("\"orders\";r=0;t=", Header(third, "RateLimit"), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, otherCustomer.StatusCode);
        Assert.StartsWith("\"orders\";r=1;", Header(otherCustomer, "RateLimit"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_partition_key_that_is_not_a_valid_key_is_limited_not_turned_into_an_error()
    {
        using var host = await StartAsync("memory");
        using var client = host.GetTestClient();
        var hostile = new string('x', 5000);

        using var first = await OrderAsync(client, hostile);
        using var second = await OrderAsync(client, hostile);
        using var third = await OrderAsync(client, hostile);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : throw new Xunit.Sdk.XunitException($"no {name} header");

    private static Task<HttpResponseMessage> OrderAsync(HttpClient client, string customer)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/orders");
        request.Headers.Add("X-Customer-Id", customer);
        return client.SendAsync(request);
    }

    private async Task<IHost> StartAsync(string backend) =>
        await new HostBuilder()
            .ConfigureWebHost(web => web
                .UseTestServer()
                .ConfigureServices(services =>
                {
                    var commerceKit = services.AddRouting().AddCommerceKit(o => o.KeyPrefix = TestEnvironment.UniqueKeyPrefix());
                    _ = backend == "redis"
                        ? commerceKit.AddRedis(o => o.Configuration = redis.Configuration).AddRateLimiting(limits => limits.UseRedis())
                        : commerceKit.AddRateLimiting();
                    services.AddRateLimiter(o => o.AddCommerceKitPolicy(
                        "orders", new TokenBucketPolicy(2, TimeSpan.FromHours(1)), http => http.Request.Headers["X-Customer-Id"].ToString()));
                })
                .Configure(app =>
                {
                    app.UseRouting();
                    app.UseRateLimiter();
                    app.UseEndpoints(endpoints => endpoints.MapPost("/orders", () => Results.Ok(new { status = "confirmed" })).RequireRateLimiting("orders"));
                }))
            .StartAsync();
}
