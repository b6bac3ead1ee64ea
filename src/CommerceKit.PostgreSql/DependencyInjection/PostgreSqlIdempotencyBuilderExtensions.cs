using CommerceKit.Idempotency;
using CommerceKit.PostgreSql.Idempotency;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps the idempotency records in PostgreSQL.</summary>
public static class PostgreSqlIdempotencyBuilderExtensions
{
    /// <summary>
    /// Keeps the records in PostgreSQL (one statement to claim or replay, one to complete or release; leases and
    /// retention on the database clock) and registers <see cref="PostgreSqlIdempotencyTransactions"/> for completion
    /// inside the caller's transaction. Requires <c>AddPostgreSql()</c>; start-up fails without it. The table is
    /// created on first use.
    /// </summary>
    /// <param name="idempotency">The idempotency builder.</param>
    /// <returns>The builder.</returns>
    public static IdempotencyBuilder UsePostgreSql(this IdempotencyBuilder idempotency)
    {
        ArgumentNullException.ThrowIfNull(idempotency);
        idempotency.Services.UsePostgreSqlStore<IdempotencyStore, PostgreSqlIdempotencyStore>();
        idempotency.Services.TryAddSingleton(services => new PostgreSqlIdempotencyTransactions(
            services.GetRequiredService<IdempotencyStore>() as PostgreSqlIdempotencyStore
            ?? throw new InvalidOperationException("PostgreSqlIdempotencyTransactions writes to the PostgreSQL idempotency store; another store replaced it after UsePostgreSql().")));
        return idempotency;
    }
}
