using System.Globalization;
using CommerceKit.Redis.Connection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommerceKit.Redis.Health;

/// <summary>Healthy when Redis answers a PING through CommerceKit's shared connection.</summary>
internal sealed class RedisHealthCheck(RedisConnection connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await connection.ExecuteAsync(static (database, _) => database.PingAsync(), 0, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"PING answered in {latency.TotalMilliseconds:0.0} ms"));
        }
        catch (BackendUnavailableException exception)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, exception.Message, exception);
        }
    }
}
