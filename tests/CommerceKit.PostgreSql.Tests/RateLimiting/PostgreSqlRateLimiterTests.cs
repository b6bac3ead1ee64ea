using Microsoft.Extensions.DependencyInjection;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.RateLimiting;

namespace CommerceKit.PostgreSql.Tests.RateLimiting;

public sealed class PostgreSqlRateLimiterTests(PostgreSqlServerFixture postgres) : RateLimiterConformanceTests, IClassFixture<PostgreSqlServerFixture>
{
    protected override RateLimitingBackend CreateBackend() => new PostgreSqlRateLimitingBackend(postgres.ConnectionString);

    /// <summary>PostgreSQL rate limits in one database, named by its connection string.</summary>
    private sealed class PostgreSqlRateLimitingBackend(string connectionString) : RateLimitingBackend
    {
        protected override void AddBackend(ICommerceKitBuilder builder) =>
            builder.AddPostgreSql(o => o.ConnectionString = connectionString).AddRateLimiting(limits => limits.UsePostgreSql());
    }
}
