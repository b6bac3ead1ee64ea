using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Sagas;
using CommerceKit.Sagas;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.PostgreSql.Tests.Sagas;

public sealed class PostgreSqlSagaTests(PostgreSqlServerFixture postgres) : SagaConformanceTests, IClassFixture<PostgreSqlServerFixture>
{
    protected override SagaBackend CreateBackend() => new PostgreSqlSagaBackend(postgres.ConnectionString);
}

/// <summary>The PostgreSQL saga store in a schema of its own: recovery takes over every expired saga of its schema.</summary>
internal sealed class PostgreSqlSagaBackend(string connectionString) : SagaBackend
{
    public string Schema { get; } = "sagas_" + Guid.NewGuid().ToString("N")[..12];

    protected override void AddBackend(ICommerceKitBuilder builder, Action<SagasBuilder> configure) =>
        builder.AddPostgreSql(o =>
            {
                o.ConnectionString = connectionString + ";Maximum Pool Size=16";
                o.Schema = Schema;
            })
            .AddSagas(sagas => configure(sagas.UsePostgreSql()));
}
