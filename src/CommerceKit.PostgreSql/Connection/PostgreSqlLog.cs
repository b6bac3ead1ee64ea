using Microsoft.Extensions.Logging;

namespace CommerceKit.PostgreSql.Connection;

internal static partial class PostgreSqlLog
{
    [LoggerMessage(1, LogLevel.Debug, "Retrying to open a PostgreSQL connection (attempt {Attempt})")]
    public static partial void Retrying(ILogger logger, int attempt, Exception? exception);

    [LoggerMessage(2, LogLevel.Information, "Ensured PostgreSQL schema {Schema} for {Component}")]
    public static partial void SchemaEnsured(ILogger logger, string schema, string component);

    [LoggerMessage(3, LogLevel.Warning, "CommerceKit's tables in schema {Schema} are missing; they are created again on the next call")]
    public static partial void SchemaMissing(ILogger logger, string schema, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "Lost the PostgreSQL connection listening on {Channels} ({Server}); reconnecting, and polling meanwhile")]
    public static partial void ListenerLost(ILogger logger, string channels, string server, Exception exception);
}
