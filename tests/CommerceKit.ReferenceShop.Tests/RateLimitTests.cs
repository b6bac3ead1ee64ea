using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CommerceKit.ReferenceShop.Tests;

public sealed class RateLimitTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task Shop_responses_carry_the_per_address_rate_limit_headers()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/products");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"per-address\";q=100;w=1", string.Join(", ", response.Headers.GetValues("RateLimit-Policy")));
        Assert.StartsWith("\"per-address\";r=", string.Join(", ", response.Headers.GetValues("RateLimit")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_over_its_limit_gets_429_rate_limited_and_health_probes_are_not_limited()
    {
        using var limited = factory.WithWebHostBuilder(web => web.UseSetting("Shop:RateLimits:RequestsPerSecondPerAddress", "2"));
        using var client = limited.CreateClient();

        using var first = await client.GetAsync("/products/does-not-exist");
        using var second = await client.GetAsync("/products/does-not-exist");
        using var third = await client.GetAsync("/products");
        using var health = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.NotFound, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("\"code\":\"rate_limited\"", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(third.Headers.RetryAfter is not null);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
