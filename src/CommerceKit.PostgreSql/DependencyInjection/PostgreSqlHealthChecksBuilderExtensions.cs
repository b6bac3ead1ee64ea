using CommerceKit.PostgreSql.Connection;
using CommerceKit.PostgreSql.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a health check of CommerceKit's PostgreSQL data source.</summary>
public static class PostgreSqlHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check that is healthy when PostgreSQL answers <c>SELECT 1</c> through CommerceKit's shared data
    /// source (registered by <c>AddCommerceKit().AddPostgreSql(…)</c>).
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Tags to filter on, for example <c>"ready"</c>.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCommerceKitPostgreSql(this IHealthChecksBuilder builder, string name = "commercekit-postgresql", params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            static services => new PostgreSqlHealthCheck(services.GetRequiredService<PostgreSqlDatabase>()),
            failureStatus: null,
            tags));
    }
}
