using System.Net;
using System.Text.Json;
using CommerceKit.AspNetCore.ProblemDetails;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommerceKit.AspNetCore.Tests;

public sealed class ProblemDetailsTests : IAsyncLifetime
{
    private IHost? _host;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await new HostBuilder()
            .ConfigureWebHost(web => web
                .UseTestServer()
                .ConfigureServices(services => services.AddRouting().AddCommerceKitProblemDetails()
                    .Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true))
                .Configure(app =>
                {
                    app.UseExceptionHandler();
                    app.UseStatusCodePages();
                    app.UseRouting();
                    app.UseEndpoints(endpoints =>
                    {
                        endpoints.MapGet("/outage", IResult () => throw new BackendUnavailableException("redis", "Redis (127.0.0.1:6379) is unavailable: secret details", null));
                        endpoints.MapGet("/not-found", () => CommerceKitProblems.Problem(404, "product_not_found", "No such product."));
                        endpoints.MapGet("/plain-400", () => Results.BadRequest());
                        endpoints.MapPost("/typed", (TypedBody body) => Results.Ok(body));
                    });
                }))
            .StartAsync();
        _client = _host.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }

    [Theory]
    [InlineData("{\"quantity\":\"two\"}")]
    [InlineData("{\"quantity\":")]
    public async Task A_body_that_cannot_be_bound_is_400_invalid_request_not_500(string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(new Uri("/typed", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", Code(await response.Content.ReadAsStringAsync()));
    }

    public sealed record TypedBody(int Quantity);

    [Fact]
    public async Task A_backend_outage_answers_503_backend_unavailable_with_Retry_After_and_no_internal_details()
    {
        using var response = await _client.GetAsync(new Uri("/outage", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("backend_unavailable", Code(body));
        Assert.DoesNotContain("secret details", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_problem_built_by_the_helper_carries_its_code()
    {
        using var response = await _client.GetAsync(new Uri("/not-found", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("product_not_found", Code(await response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("/plain-400", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("/no-such-route", HttpStatusCode.NotFound, "not_found")]
    public async Task A_status_without_a_body_becomes_a_problem_with_a_code(string path, HttpStatusCode status, string code)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, Code(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_wrong_method_is_a_problem_named_after_its_status()
    {
        using var response = await _client.PostAsync(new Uri("/plain-400", UriKind.Relative), content: null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("method_not_allowed", Code(await response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData(405, "method_not_allowed")]
    [InlineData(415, "unsupported_media_type")]
    [InlineData(502, "bad_gateway")]
    [InlineData(599, "internal_error")]
    public void A_status_without_a_code_of_its_own_is_named_after_its_reason_phrase(int status, string code) =>
        Assert.Equal(code, ProblemCodes.FromStatus(status));

    [Theory]
    [InlineData(200, "ok")]
    [InlineData(404, "")]
    public void The_helper_refuses_a_status_that_is_not_an_error_or_an_empty_code(int status, string code)
    {
        var failure = Assert.ThrowsAny<ArgumentException>(() => CommerceKitProblems.Problem(status, code));

        Assert.Equal(status < 400 ? "statusCode" : "code", failure.ParamName);
    }

    private static string? Code(string body) => JsonDocument.Parse(body).RootElement.GetProperty("code").GetString();
}
