using CommerceKit;
using CommerceKit.PostgreSql;
using CommerceKit.PostgreSql.Connection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CommerceKit's shared PostgreSQL data source.</summary>
public static class PostgreSqlCommerceKitBuilderExtensions
{
    /// <summary>
    /// Registers the one PostgreSQL data source every CommerceKit PostgreSQL backend uses, and exposes it as
    /// <see cref="NpgsqlDataSource"/> unless the application registered its own. Options are validated at
    /// start-up; the server is first contacted on first use. Calling it again only adds configuration.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Configures <see cref="PostgreSqlOptions"/>; at least <see cref="PostgreSqlOptions.ConnectionString"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddPostgreSql(this ICommerceKitBuilder builder, Action<PostgreSqlOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        builder.Services.AddOptionsWithValidateOnStart<PostgreSqlOptions, PostgreSqlOptionsValidator>().Configure(configure);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlOptions>, PostgreSqlOptionsRules>());
        builder.Services.TryAddSingleton<PostgreSqlDatabase>();
        builder.Services.TryAddSingleton(static services => services.GetRequiredService<PostgreSqlDatabase>().DataSource);
        return builder;
    }
}
