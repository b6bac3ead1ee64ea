using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CommerceKit.ReferenceShop.Tests;

/// <summary>Outside Development no admin key is configured, so the admin endpoints refuse everyone.</summary>
public sealed class AdminKeyTests
{
    [Theory]
    [InlineData("GET", "/admin/stats")]
    [InlineData("GET", "/admin/stock/FLASH-001")]
    [InlineData("PUT", "/admin/products/FLASH-001")]
    [InlineData("POST", "/admin/faults")]
    public async Task In_Production_without_a_configured_key_even_the_development_key_gets_401(string method, string path)
    {
        await using var shop = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder.UseEnvironment("Production"));
        using var client = shop.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("X-Admin-Key", "dev-admin-key");
        if (method != "GET")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
