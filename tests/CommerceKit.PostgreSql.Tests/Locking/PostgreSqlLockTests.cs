using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Locking;

namespace CommerceKit.PostgreSql.Tests.Locking;

public sealed class PostgreSqlLockTests(PostgreSqlServerFixture postgres) : DistributedLockConformanceTests, IClassFixture<PostgreSqlServerFixture>
{
    protected override LockingBackend CreateBackend() => new PostgreSqlLockingBackend(postgres.ConnectionString);
}

public sealed class PostgreSqlLockHolderCrashTests(PostgreSqlServerFixture postgres) : LockHolderCrashTests, IClassFixture<PostgreSqlServerFixture>
{
    protected override LockingBackend CreateBackend() => new PostgreSqlLockingBackend(postgres.ConnectionString);
}

public sealed class PostgreSqlLockHandOffTests(PostgreSqlServerFixture postgres) : LockHandOffTests, IClassFixture<PostgreSqlServerFixture>
{
    protected override LockingBackend CreateBackend() => new PostgreSqlLockingBackend(postgres.ConnectionString);
}
