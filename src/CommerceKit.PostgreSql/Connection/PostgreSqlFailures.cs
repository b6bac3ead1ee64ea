using System.Net.Sockets;
using Npgsql;

namespace CommerceKit.PostgreSql.Connection;

/// <summary>Which PostgreSQL failures are outages, and how they surface.</summary>
internal static class PostgreSqlFailures
{
    public const string BackendName = "postgresql";

    /// <summary>
    /// Whether the failure means PostgreSQL cannot serve requests now: no connection, the server shutting down,
    /// starting up or out of connections. Conflicts (serialization failure, deadlock) and errors in a statement
    /// are not outages.
    /// </summary>
    public static bool IsOutage(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        SocketException => true,
        _ => false,
    };

    public static BackendUnavailableException Unavailable(string server, Exception exception) =>
        exception as BackendUnavailableException
        ?? new BackendUnavailableException(BackendName, $"PostgreSQL ({server}) is unavailable: {exception.Message}", exception);
}
