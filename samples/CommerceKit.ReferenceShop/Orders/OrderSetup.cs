using CommerceKit.ReferenceShop.Notifications;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CommerceKit.ReferenceShop.Orders;

/// <summary>Registers ordering: the per-customer limit and the gateway client with its resilience.</summary>
internal static class OrderSetup
{
    public static IServiceCollection AddOrders(this IServiceCollection services)
    {
        services.AddSingleton<OrderLimits>();
        services.AddHttpClient(SimulatorMessageProvider.Client, (provider, http) => http.BaseAddress = ProvidersAddress(provider));
        services.AddHttpClient<PaymentGateway>((provider, http) => http.BaseAddress = ProvidersAddress(provider))
            .AddStandardResilienceHandler(o =>
            {
                // Charges carry an idempotency key, so a retried POST is answered from the gateway's ledger.
                o.Retry.MaxRetryAttempts = 3;
                o.Retry.Delay = TimeSpan.FromMilliseconds(200);
                o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(15);
            });
        return services;
    }

    // Shop:ProvidersUrl names an external simulator; otherwise the simulator's endpoints are mapped in this very app,
    // under /simulator/, and the shop calls itself (a test server, with no address of its own, is called through its
    // handler).
    private static Uri ProvidersAddress(IServiceProvider provider)
    {
        if (provider.GetRequiredService<IConfiguration>()["Shop:ProvidersUrl"] is { Length: > 0 } url)
        {
            return new Uri(url.TrimEnd('/') + "/");
        }

        var address = provider.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost";
        var local = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (local.Host is "0.0.0.0" or "[::]")
        {
            local.Host = "127.0.0.1";
        }

        local.Path = "/simulator/";
        return local.Uri;
    }
}
