using Microsoft.Extensions.Logging;

namespace CommerceKit.Redis.Connection;

internal static partial class RedisLog
{
    [LoggerMessage(1, LogLevel.Information, "Connected to Redis ({Endpoints})")]
    public static partial void Connected(ILogger logger, string endpoints);

    [LoggerMessage(2, LogLevel.Error, "Could not connect to Redis ({Endpoints})")]
    public static partial void ConnectFailed(ILogger logger, string endpoints, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "Lost a Redis connection to {EndPoint} ({FailureType})")]
    public static partial void ConnectionLost(ILogger logger, string endPoint, string failureType, Exception? exception);

    [LoggerMessage(4, LogLevel.Information, "Restored the Redis connection to {EndPoint}")]
    public static partial void ConnectionRestored(ILogger logger, string endPoint);

    [LoggerMessage(5, LogLevel.Debug, "Retrying a Redis operation (attempt {Attempt}) after a refusal")]
    public static partial void Retrying(ILogger logger, int attempt, Exception? exception);
}
