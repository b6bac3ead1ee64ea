using CommerceKit.Locking;
using CommerceKit.PostgreSql.Connection;
using CommerceKit.PostgreSql.Locking;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps the distributed locks in PostgreSQL.</summary>
public static class PostgreSqlLockingBuilderExtensions
{
    /// <summary>
    /// Keeps the locks' leases in PostgreSQL (lease rows on the database clock, one statement to acquire, renew or
    /// release; waiters woken by LISTEN/NOTIFY) and registers <see cref="PostgreSqlFencedWrites"/>. Requires
    /// <c>AddPostgreSql()</c>; start-up fails without it. The tables are created on first use.
    /// </summary>
    /// <param name="locking">The locking builder.</param>
    /// <returns>The builder.</returns>
    public static LockingBuilder UsePostgreSql(this LockingBuilder locking)
    {
        ArgumentNullException.ThrowIfNull(locking);
        locking.Services.UsePostgreSqlStore<LockLeaseStore, PostgreSqlLockLeaseStore>();
        locking.Services.TryAddSingleton(services => new PostgreSqlFencedWrites(services.GetRequiredService<PostgreSqlDatabase>()));
        return locking;
    }
}
