using CommerceKit;
using CommerceKit.PostgreSql.RateLimiting;
using CommerceKit.RateLimiting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL rate limiter.</summary>
public static class PostgreSqlRateLimitingCommerceKitBuilderExtensions
{
    /// <summary>
    /// Makes PostgreSQL the backend of <see cref="IRateLimiterProvider"/>: one function call per decision on the
    /// database clock, exact across instances. Requires <c>AddPostgreSql()</c>; the tables and functions are created on
    /// first use (<c>sql/RateLimiting/ratelimiting.sql</c> in the package).
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddPostgreSqlRateLimiter(this ICommerceKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRateLimiter<PostgreSqlRateLimitStore>();
    }
}
