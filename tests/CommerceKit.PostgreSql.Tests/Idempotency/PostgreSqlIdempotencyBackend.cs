using CommerceKit.ConformanceTests.Idempotency;
using CommerceKit.Idempotency;
using CommerceKit.PostgreSql.Connection;
using CommerceKit.PostgreSql.Idempotency;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.PostgreSql.Tests.Idempotency;

/// <summary>PostgreSQL idempotency records in one database, named by its connection string.</summary>
internal sealed class PostgreSqlIdempotencyBackend(string connectionString) : IdempotencyBackend
{
    public PostgreSqlDatabase Database => FirstInstance.GetRequiredService<PostgreSqlDatabase>();

    public PostgreSqlIdempotencyTransactions Transactions => FirstInstance.GetRequiredService<PostgreSqlIdempotencyTransactions>();

    protected override void AddBackend(ICommerceKitBuilder builder, Action<IdempotencyOptions> configure) =>
        builder.AddPostgreSql(o => o.ConnectionString = connectionString).AddPostgreSqlIdempotency(configure);
}
