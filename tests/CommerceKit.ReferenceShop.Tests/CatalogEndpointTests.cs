using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommerceKit.Caching;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.ReferenceShop.Tests;

public sealed class CatalogEndpointTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Following_nextCursor_lists_every_product_once_in_pages_of_the_requested_size()
    {
        var skus = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await GetJson($"/products?limit=7{(cursor is null ? "" : "&cursor=" + cursor)}");
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 1, 7);
            skus.AddRange(items.Select(item => item.GetProperty("sku").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 20);

        Assert.True(skus.Count >= 20, $"the catalog lists {skus.Count} products");
        Assert.Equal(skus.Count, skus.Distinct().Count());
        Assert.Equal(skus.Order(StringComparer.Ordinal), skus);
        Assert.Equal((skus.Count + 6) / 7, pages);
    }

    [Fact]
    public async Task A_listed_product_has_the_contract_fields_in_camelCase()
    {
        var first = (await GetJson("/products")).GetProperty("items")[0];

        Assert.Equal(
            ["available", "currency", "name", "priceCents", "sku"],
            first.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_flash_sale_product_is_seeded_with_100_units()
    {
        var product = await GetJson("/products/FLASH-001");

        Assert.Equal("FLASH-001", product.GetProperty("sku").GetString());
        Assert.Equal(100, product.GetProperty("available").GetInt32());
        Assert.True(product.GetProperty("priceCents").GetInt64() > 0);
        Assert.False(string.IsNullOrEmpty(product.GetProperty("description").GetString()));
    }

    [Fact]
    public async Task An_unknown_sku_answers_404_product_not_found_as_a_problem()
    {
        using var response = await _client.GetAsync(new Uri("/products/NO-SUCH-SKU", UriKind.Relative));

        await AssertProblem(response, HttpStatusCode.NotFound, "product_not_found");
    }

    [Theory]
    [InlineData("/products/a%0Ab")]
    [InlineData("/products/%20")]
    public async Task A_sku_that_cannot_be_a_key_answers_404_not_a_server_error(string path)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));

        await AssertProblem(response, HttpStatusCode.NotFound, "product_not_found");
    }

    [Fact]
    public async Task A_product_page_is_served_cache_aside()
    {
        var cache = factory.Services.GetRequiredService<ICacheAside>();
        var before = await cache.TryGetAsync<object>("product:APP-HOODIE-GRY");

        await GetJson("/products/APP-HOODIE-GRY");
        var after = await cache.TryGetAsync<object>("product:APP-HOODIE-GRY");

        Assert.False(before.HasValue);
        Assert.True(after is { HasValue: true, IsStale: false });
    }

    [Theory]
    [InlineData("/products?limit=0")]
    [InlineData("/products?limit=101")]
    [InlineData("/products?limit=ten")]
    [InlineData("/products?cursor=%%%")]
    [InlineData("/products?cursor=AAEC")]
    public async Task A_bad_limit_or_cursor_answers_400_invalid_request(string path)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));

        await AssertProblem(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_200_in_embedded_mode(string path)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_path_answers_a_404_problem()
    {
        using var response = await _client.GetAsync(new Uri("/no-such-thing", UriKind.Relative));

        await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
    }

    private async Task<JsonElement> GetJson(string path) =>
        await _client.GetFromJsonAsync<JsonElement>(new Uri(path, UriKind.Relative));

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
    }
}
