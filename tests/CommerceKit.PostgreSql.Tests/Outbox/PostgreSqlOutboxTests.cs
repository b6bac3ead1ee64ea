using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Outbox;
using CommerceKit.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.PostgreSql.Tests.Outbox;

public sealed class PostgreSqlOutboxTests(PostgreSqlServerFixture postgres) : OutboxConformanceTests, IClassFixture<PostgreSqlServerFixture>
{
    protected override OutboxBackend CreateBackend() => new PostgreSqlOutboxBackend(postgres.ConnectionString);
}

public sealed class PostgreSqlInboxTests(PostgreSqlServerFixture postgres) : InboxConformanceTests, IClassFixture<PostgreSqlServerFixture>
{
    protected override InboxBackend CreateBackend() => new PostgreSqlInboxBackend(postgres.ConnectionString);
}

/// <summary>
/// The PostgreSQL outbox in a schema of its own: the conformance tests of one class share a database, and a dispatcher
/// claims every due message of its schema.
/// </summary>
internal sealed class PostgreSqlOutboxBackend(string connectionString) : OutboxBackend
{
    public string Schema { get; } = "outbox_" + Guid.NewGuid().ToString("N")[..12];

    public string ConnectionString => connectionString;

    protected override void AddBackend(ICommerceKitBuilder builder, Action<OutboxOptions> configure) =>
        builder.AddPostgreSql(o =>
            {
                o.ConnectionString = connectionString + ";Maximum Pool Size=16";
                o.Schema = Schema;
            })
            .AddOutbox(outbox => outbox.UsePostgreSql().Configure(configure));
}

internal sealed class PostgreSqlInboxBackend(string connectionString) : InboxBackend
{
    protected override void AddBackend(ICommerceKitBuilder builder, Action<InboxOptions> configure) =>
        builder.AddPostgreSql(o => o.ConnectionString = connectionString + ";Maximum Pool Size=16")
            .AddInbox(inbox => inbox.UsePostgreSql().Configure(configure));
}
