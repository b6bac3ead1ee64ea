using CommerceKit.PostgreSql.RateLimiting;
using CommerceKit.RateLimiting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps the rate limiters' counters in PostgreSQL.</summary>
public static class PostgreSqlRateLimitingBuilderExtensions
{
    /// <summary>
    /// Keeps the counters in PostgreSQL: one function call per decision on the database clock, exact across instances.
    /// Requires <c>AddPostgreSql()</c>; start-up fails without it. The tables and functions are created on first use
    /// (<c>sql/RateLimiting/ratelimiting.sql</c> in the package).
    /// </summary>
    /// <param name="limits">The rate-limiting builder.</param>
    /// <returns>The builder.</returns>
    public static RateLimitingBuilder UsePostgreSql(this RateLimitingBuilder limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Services.UsePostgreSqlStore<RateLimitStore, PostgreSqlRateLimitStore>();
        return limits;
    }
}
