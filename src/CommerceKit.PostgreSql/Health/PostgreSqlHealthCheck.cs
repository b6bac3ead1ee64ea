using CommerceKit.PostgreSql.Connection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommerceKit.PostgreSql.Health;

/// <summary>Healthy when PostgreSQL answers <c>SELECT 1</c> through CommerceKit's shared data source.</summary>
internal sealed class PostgreSqlHealthCheck(PostgreSqlDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await database.ExecuteAsync(
                static async (connection, _, token) =>
                {
                    var command = connection.CreateCommand();
                    await using (command.ConfigureAwait(false))
                    {
                        command.CommandText = "SELECT 1";
                        return await command.ExecuteScalarAsync(token).ConfigureAwait(false);
                    }
                },
                0,
                cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (BackendUnavailableException exception)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, exception.Message, exception);
        }
    }
}
