using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Idempotency;

namespace CommerceKit.PostgreSql.Tests.Idempotency;

public sealed class PostgreSqlIdempotencyTests(PostgreSqlServerFixture postgres) : IdempotencyConformanceTests, IClassFixture<PostgreSqlServerFixture>
{
    protected override IdempotencyBackend CreateBackend() => new PostgreSqlIdempotencyBackend(postgres.ConnectionString);
}

public sealed class PostgreSqlIdempotencyHolderCrashTests(PostgreSqlServerFixture postgres) : IdempotencyHolderCrashTests, IClassFixture<PostgreSqlServerFixture>
{
    protected override IdempotencyBackend CreateBackend() => new PostgreSqlIdempotencyBackend(postgres.ConnectionString);
}
