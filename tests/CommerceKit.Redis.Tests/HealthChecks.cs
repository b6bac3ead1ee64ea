using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommerceKit.Redis.Tests;

internal static class HealthChecks
{
    /// <summary>Registers one health check on top of <paramref name="services"/>' registrations and runs it.</summary>
    public static async Task<HealthReportEntry> RunAsync(ServiceProvider services, string name, Action<IHealthChecksBuilder> register)
    {
        var collection = new ServiceCollection().AddLogging();
        collection.AddSingleton(services.GetRequiredService<CommerceKit.Redis.Connection.RedisConnection>());
        register(collection.AddHealthChecks());
        await using var provider = collection.BuildServiceProvider();
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries[name];
    }
}
