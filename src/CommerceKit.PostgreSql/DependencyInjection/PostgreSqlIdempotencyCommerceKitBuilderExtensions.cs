using CommerceKit;
using CommerceKit.Idempotency;
using CommerceKit.PostgreSql.Idempotency;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL idempotency store.</summary>
public static class PostgreSqlIdempotencyCommerceKitBuilderExtensions
{
    /// <summary>
    /// Makes PostgreSQL the backend of <see cref="IIdempotencyExecutor"/> (one statement to claim or replay, one to
    /// complete or release; leases and retention on the database clock) and registers
    /// <see cref="PostgreSqlIdempotencyTransactions"/> for completion inside the caller's transaction. Requires
    /// <c>AddPostgreSql()</c>; the table is created on first use.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Configures <see cref="IdempotencyOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddPostgreSqlIdempotency(this ICommerceKitBuilder builder, Action<IdempotencyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<PostgreSqlIdempotencyStore>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IIdempotencyStore>(services => services.GetRequiredService<PostgreSqlIdempotencyStore>()));
        builder.Services.TryAddSingleton(services => new PostgreSqlIdempotencyTransactions(services.GetRequiredService<PostgreSqlIdempotencyStore>()));
        return builder.AddIdempotency(configure);
    }
}
