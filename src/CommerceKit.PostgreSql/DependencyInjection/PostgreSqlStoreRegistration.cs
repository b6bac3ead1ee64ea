using CommerceKit.PostgreSql.Connection;
using CommerceKit.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Makes a PostgreSQL store a feature's port; every <c>UsePostgreSql()</c> goes through here.</summary>
internal static class PostgreSqlStoreRegistration
{
    public static void UsePostgreSqlStore<TPort, TStore>(this IServiceCollection services)
        where TPort : class
        where TStore : class, TPort =>
        services.UseBackendStore<TPort, TStore, PostgreSqlDatabase>("UsePostgreSql", "AddPostgreSql");
}
