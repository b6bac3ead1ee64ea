using CommerceKit.PostgreSql.Connection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommerceKit.PostgreSql.Tests;

/// <summary>Builds CommerceKit's PostgreSQL services the way an application registers them.</summary>
internal static class PostgreSqlTestServices
{
    public static ServiceProvider Create(string connectionString, Action<PostgreSqlOptions>? configure = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddCommerceKit().AddPostgreSql(o =>
        {
            o.ConnectionString = connectionString;
            configure?.Invoke(o);
        });
        services.AddHealthChecks().AddCommerceKitPostgreSql();
        return services.BuildServiceProvider();
    }

    public static PostgreSqlDatabase Database(this ServiceProvider services) => services.GetRequiredService<PostgreSqlDatabase>();

    public static async Task<HealthReportEntry> CheckHealthAsync(this ServiceProvider services) =>
        (await services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["commercekit-postgresql"];

    public static Task<T?> ScalarAsync<T>(this PostgreSqlDatabase database, string sql, params object[] parameters) =>
        database.ExecuteAsync(
            static async (connection, state, token) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = state.sql;
                foreach (var value in state.parameters)
                {
                    command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = value });
                }

                var result = await command.ExecuteScalarAsync(token);
                return result is DBNull or null ? default : (T)result;
            },
            (sql, parameters),
            CancellationToken.None);
}
