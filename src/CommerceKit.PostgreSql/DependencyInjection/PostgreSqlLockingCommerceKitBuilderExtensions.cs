using CommerceKit;
using CommerceKit.Locking;
using CommerceKit.PostgreSql.Connection;
using CommerceKit.PostgreSql.Locking;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL distributed lock.</summary>
public static class PostgreSqlLockingCommerceKitBuilderExtensions
{
    /// <summary>
    /// Makes PostgreSQL the backend of <see cref="IDistributedLockProvider"/> (lease rows on the database clock, one
    /// statement to acquire, renew or release; waiters woken by LISTEN/NOTIFY) and registers
    /// <see cref="PostgreSqlFencedWrites"/>. Requires <c>AddPostgreSql()</c>; the tables are created on first use.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Configures <see cref="DistributedLockOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddPostgreSqlLocks(this ICommerceKitBuilder builder, Action<DistributedLockOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(services => new PostgreSqlFencedWrites(services.GetRequiredService<PostgreSqlDatabase>()));
        return builder.AddLocks<PostgreSqlLockLeaseStore>(configure);
    }
}
