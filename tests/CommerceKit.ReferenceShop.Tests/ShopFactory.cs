using CommerceKit.ReferenceShop.Notifications;
using CommerceKit.ReferenceShop.Orders;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.ReferenceShop.Tests;

/// <summary>The shop in embedded mode; its gateway client reaches the in-process simulator through the test server.</summary>
internal sealed class ShopFactory(string orderWait = "00:01:00") : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Shop:AdminKey", "test-admin-key");
        builder.UseSetting("Shop:RateLimits:OrdersPerMinutePerCustomer", "3");
        builder.UseSetting("Shop:OrderWait", orderWait);
        builder.ConfigureTestServices(services =>
        {
            services.AddHttpClient<PaymentGateway>().ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler());
            services.AddHttpClient(SimulatorMessageProvider.Client).ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler());
        });
    }
}
