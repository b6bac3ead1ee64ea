using CommerceKit.RateLimiting;
using CommerceKit.ReferenceShop.Admin;
using CommerceKit.ReferenceShop.Catalog;
using CommerceKit.ReferenceShop.Notifications;
using CommerceKit.ReferenceShop.Orders;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace CommerceKit.ReferenceShop.Hosting;

/// <summary>The shop's web application, built the same way by <c>dotnet run</c>, the demo and the tests.</summary>
internal static class ShopApp
{
    /// <summary>Builds the shop from <paramref name="args"/>; <paramref name="configure"/> adds to its builder first.</summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        // Embedded (every backend in memory) unless ConnectionStrings:Redis and ConnectionStrings:Postgres are both set.
        builder.Services.AddShopLibraries(builder.Configuration);
        builder.Services.AddShopStorage(builder.Configuration);
        builder.Services.AddOrders();
        builder.Services.AddSingleton<ShopMetrics>();
        builder.Services.AddSingleton<SpanTimings>();

        // Without Shop:ProvidersUrl the shop plays its own payment gateway and message providers (the provider simulator).
        var embeddedProviders = string.IsNullOrEmpty(builder.Configuration["Shop:ProvidersUrl"]);
        if (embeddedProviders)
        {
            builder.Services.AddProviderSimulator();
        }

        builder.Services.AddCommerceKitProblemDetails();

        // Every shop endpoint is limited per client address (Shop:RateLimits:RequestsPerSecondPerAddress), with the
        // RateLimit headers on every response. Health probes are not: a limited probe could get a healthy node restarted.
        var perAddress = builder.Configuration.GetValue("Shop:RateLimits:RequestsPerSecondPerAddress", 100);
        builder.Services.AddRateLimiter(o => o.AddCommerceKitPolicy(
            "per-address", new TokenBucketPolicy(perAddress, TimeSpan.FromSeconds(1)), http => http.Connection.RemoteIpAddress?.ToString() ?? "unknown"));

        var app = builder.Build();

        // Listening from the start, so the admin counters include everything the libraries measured.
        app.Services.GetRequiredService<ShopMetrics>();
        app.Services.GetRequiredService<SpanTimings>();

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseShopPages();
        app.UseRateLimiter();

        app.MapGroup("").RequireRateLimiting("per-address").MapProductEndpoints().MapOrderEndpoints().MapCustomerNotificationEndpoints().MapAdminEndpoints();
        if (embeddedProviders)
        {
            app.MapGroup("/simulator").MapProviderSimulator();
        }

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });

        return app;
    }
}
