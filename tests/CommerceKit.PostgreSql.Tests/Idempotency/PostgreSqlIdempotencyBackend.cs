using CommerceKit.ConformanceTests.Fixtures;
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

    public override IReadOnlyList<string> HolderProcessArguments(string key, TimeSpan lease) =>
        LeaseHolderProcess.Arguments("idempotency", "postgresql", connectionString, KeyPrefix, key, lease);

    protected override void AddBackend(ICommerceKitBuilder builder, Action<IdempotencyOptions> configure) =>
        builder.AddPostgreSql(o => o.ConnectionString = connectionString).AddIdempotency(idempotency => idempotency.UsePostgreSql().Configure(configure));
}
