using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Redis.Connection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommerceKit.Redis.Tests;

/// <summary>Builds CommerceKit's Redis services the way an application registers them.</summary>
internal static class RedisTestServices
{
    public static ServiceProvider Create(string configuration, Action<RedisOptions>? configure = null, Action<ICommerceKitBuilder>? addFeatures = null)
    {
        var services = new ServiceCollection().AddLogging();
        var builder = services.AddCommerceKit(o => o.KeyPrefix = TestEnvironment.UniqueKeyPrefix())
            .AddRedis(o =>
            {
                o.Configuration = configuration;
                configure?.Invoke(o);
            });
        addFeatures?.Invoke(builder);
        services.AddHealthChecks().AddCommerceKitRedis();
        return services.BuildServiceProvider();
    }

    public static RedisConnection Connection(this ServiceProvider services) => services.GetRequiredService<RedisConnection>();

    public static async Task<HealthReportEntry> CheckHealthAsync(this ServiceProvider services) =>
        (await services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["commercekit-redis"];
}
