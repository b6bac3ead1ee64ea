using CommerceKit.PostgreSql.Sagas;
using CommerceKit.Sagas;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps sagas in PostgreSQL.</summary>
public static class PostgreSqlSagaBuilderExtensions
{
    /// <summary>
    /// Keeps sagas in PostgreSQL (<c>sagas</c>, created on first use): one row per saga, one fenced <c>UPDATE</c> per
    /// step, leases on the database clock, so any instance resumes the sagas of one that died. Requires
    /// <c>AddPostgreSql()</c>; start-up fails without it.
    /// </summary>
    /// <param name="sagas">The sagas builder.</param>
    /// <returns>The builder.</returns>
    public static SagasBuilder UsePostgreSql(this SagasBuilder sagas)
    {
        ArgumentNullException.ThrowIfNull(sagas);
        sagas.Services.UsePostgreSqlStore<SagaStore, PostgreSqlSagaStore>();
        return sagas;
    }
}
