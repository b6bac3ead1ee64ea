using StackExchange.Redis;

namespace CommerceKit.Redis.Connection;

/// <summary>Which Redis failures are outages, which may be retried, and how they surface.</summary>
internal static class RedisFailures
{
    public const string BackendName = "redis";

    // Errors with which a server refuses a command without running it: retrying is safe.
    private static readonly string[] s_refusedPrefixes = ["LOADING", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "READONLY"];

    /// <summary>Whether the failure means Redis cannot serve requests now (as opposed to a bug in a command).</summary>
    public static bool IsOutage(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => WasRefused(server),
        _ => false,
    };

    /// <summary>
    /// Whether the command certainly did not run, so running it again cannot apply it twice. A timeout or a
    /// socket that broke mid-flight is not safe: the server may have run the command. A failed first connection is
    /// not retried either: it already took the whole operation timeout.
    /// </summary>
    public static bool IsSafeToRetry(Exception exception) => exception switch
    {
        // No connection to send it on ("no connection is active/available"): it was never sent.
        RedisConnectionException connection => connection.FailureType is ConnectionFailureType.UnableToConnect or ConnectionFailureType.UnableToResolvePhysicalConnection,
        RedisServerException server => WasRefused(server),
        _ => false,
    };

    public static BackendUnavailableException Unavailable(string endpoints, Exception exception) =>
        exception as BackendUnavailableException
        ?? new BackendUnavailableException(BackendName, $"Redis ({endpoints}) is unavailable: {exception.Message}", exception);

    private static bool WasRefused(RedisServerException exception)
    {
        foreach (var prefix in s_refusedPrefixes)
        {
            if (exception.Message.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
