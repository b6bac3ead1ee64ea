using System.Collections.Concurrent;
using System.Data.Common;
using CommerceKit.PostgreSql.Schema;
using CommerceKit.Shared;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;

namespace CommerceKit.PostgreSql.Connection;

/// <summary>
/// The data source every CommerceKit PostgreSQL backend shares: opens connections (retrying a failed open, which
/// cannot have run anything), turns an outage into <see cref="BackendUnavailableException"/>, and creates each
/// component's schema once per process.
/// </summary>
internal sealed class PostgreSqlDatabase : IAsyncDisposable
{
    // pg_advisory_xact_lock key that serialises schema creation across instances starting together:
    // CREATE ... IF NOT EXISTS alone can still fail with a unique violation when two sessions race.
    private const long SchemaLockKey = 0x436F_6D6D_4B69_7453; // "CommKitS"

    private readonly ILogger _logger;
    private readonly ResiliencePipeline _openPipeline;
    private readonly bool _ownsDataSource;
    private readonly ConcurrentDictionary<string, Lazy<Task>> _ensuredComponents = new(StringComparer.Ordinal);

    public PostgreSqlDatabase(IOptions<PostgreSqlOptions> options, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null)
    {
        var value = options.Value;
        _logger = loggerFactory?.CreateLogger<PostgreSqlDatabase>() ?? NullLogger<PostgreSqlDatabase>.Instance;
        _ownsDataSource = value.DataSource is null;
        DataSource = value.DataSource ?? BuildDataSource(value.ConnectionString!, value.OperationTimeout, loggerFactory);
        Schema = value.Schema;
        Server = Describe(DataSource.ConnectionString);
        _openPipeline = BuildPipeline(value, timeProvider, _logger);
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The schema name, validated by the options to be a plain identifier.</summary>
    public string Schema { get; }

    /// <summary>The host and database, for messages: never the password.</summary>
    public string Server { get; }

    /// <summary>Opens a connection, or throws <see cref="BackendUnavailableException"/>.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _openPipeline.ExecuteAsync(
                static (dataSource, token) => dataSource.OpenConnectionAsync(token),
                DataSource,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlFailures.IsOutage(exception))
        {
            throw PostgreSqlFailures.Unavailable(Server, exception);
        }
    }

    /// <summary>
    /// Runs one operation on an open connection and turns an outage into <see cref="BackendUnavailableException"/>.
    /// The operation itself is not retried: it may have run.
    /// </summary>
    public async Task<TResult> ExecuteAsync<TState, TResult>(
        Func<NpgsqlConnection, TState, CancellationToken, Task<TResult>> operation,
        TState state,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await RunOnAsync(connection, operation, state, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs one operation on <paramref name="connection"/>, already open, with the failure handling of <see cref="ExecuteAsync"/>.</summary>
    private async Task<TResult> RunOnAsync<TState, TResult>(
        NpgsqlConnection connection,
        Func<NpgsqlConnection, TState, CancellationToken, Task<TResult>> operation,
        TState state,
        CancellationToken cancellationToken)
    {
        try
        {
            return await operation(connection, state, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlFailures.IsOutage(exception))
        {
            throw PostgreSqlFailures.Unavailable(Server, exception);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            // The tables are gone although this process created them (dropped, or a restore): create them again on
            // the next call instead of failing until the process restarts.
            PostgreSqlLog.SchemaMissing(_logger, Schema, exception);
            _ensuredComponents.Clear();
            throw;
        }
    }

    /// <summary>
    /// Creates a component's tables when missing: runs its idempotent SQL script (see <see cref="SchemaScripts"/>)
    /// in one transaction under an advisory lock, at most once per process when it succeeds.
    /// </summary>
    public Task EnsureSchemaAsync(string component, string sql, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(component);
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);

        var ensured = _ensuredComponents.GetOrAdd(component, _ => new Lazy<Task>(() => CreateSchemaAsync(component, sql)));

        // Once created, every later call (each statement of a feature makes one) returns at once.
        return ensured.IsValueCreated && ensured.Value.IsCompletedSuccessfully
            ? Task.CompletedTask
            : AwaitOrForgetFailureAsync(component, ensured, cancellationToken);
    }

    /// <summary>
    /// Runs one parameterised statement of a feature on a pooled connection, after the feature's tables exist
    /// (<paramref name="schemaSql"/>, created once through <see cref="EnsureSchemaAsync"/>).
    /// </summary>
    public async Task<TResult> RunStatementAsync<TResult>(
        string component,
        string schemaSql,
        string sql,
        object[] parameters,
        Func<NpgsqlCommand, CancellationToken, Task<TResult>> read,
        CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(component, schemaSql, cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(RunStatementAsync, (Sql: sql, Parameters: parameters, Read: read), cancellationToken).ConfigureAwait(false);

        static async Task<TResult> RunStatementAsync(
            NpgsqlConnection connection,
            (string Sql, object[] Parameters, Func<NpgsqlCommand, CancellationToken, Task<TResult>> Read) request,
            CancellationToken token)
        {
            var command = new NpgsqlCommand(request.Sql, connection);
            await using (command.ConfigureAwait(false))
            {
                foreach (var parameter in request.Parameters)
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = parameter });
                }

                return await request.Read(command, token).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await DataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task AwaitOrForgetFailureAsync(string component, Lazy<Task> ensured, CancellationToken cancellationToken)
    {
        try
        {
            await ensured.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (ensured.Value.IsFaulted)
        {
            // A failed attempt (say, the server was down) must not be remembered: the next call tries again.
            _ensuredComponents.TryRemove(new KeyValuePair<string, Lazy<Task>>(component, ensured));
            throw;
        }
    }

    private Task CreateSchemaAsync(string component, string sql) =>
        ExecuteAsync(
            static async (connection, context, token) =>
            {
                var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await RunAsync(connection, transaction, "SELECT pg_advisory_xact_lock($1)", SchemaLockKey, token).ConfigureAwait(false);
                    await RunAsync(connection, transaction, SchemaScripts.Render(SchemaScripts.Core, context.Database.Schema), null, token).ConfigureAwait(false);
                    await RunAsync(connection, transaction, SchemaScripts.Render(context.Sql, context.Database.Schema), null, token).ConfigureAwait(false);
                    await transaction.CommitAsync(token).ConfigureAwait(false);
                }

                PostgreSqlLog.SchemaEnsured(context.Database._logger, context.Database.Schema, context.Component);
                return true;
            },
            (Database: this, Component: component, Sql: sql),
            CancellationToken.None);

    private static async Task RunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, object? parameter, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            if (parameter is not null)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = parameter });
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static NpgsqlDataSource BuildDataSource(string connectionString, TimeSpan operationTimeout, ILoggerFactory? loggerFactory)
    {
        // A setting the connection string names itself wins over each of these.
        var named = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant())
            .ToHashSet();
        var builder = new NpgsqlDataSourceBuilder(connectionString).UseLoggerFactory(loggerFactory);
        var settings = builder.ConnectionStringBuilder;

        // CommerceKit runs a few statements very often: prepared once per connection, they skip parsing and
        // planning (which costs more than the round trip for the lock's statements).
        if (!named.Contains("MAXAUTOPREPARE"))
        {
            settings.MaxAutoPrepare = 32;
            settings.AutoPrepareMinUsages = 2;
        }

        // CommerceKit's statements leave no session state behind, so a connection back from the pool needs no
        // DISCARD ALL: skipping it saves a second command on the next statement.
        if (!named.Contains("NORESETONCLOSE"))
        {
            settings.NoResetOnClose = true;
        }

        // No call waits longer than the operation timeout for a connection or a statement (Npgsql counts seconds).
        var seconds = (int)Math.Ceiling(operationTimeout.TotalSeconds);
        if (!named.Contains("TIMEOUT"))
        {
            settings.Timeout = seconds;
        }

        if (!named.Contains("COMMANDTIMEOUT"))
        {
            settings.CommandTimeout = seconds;
        }

        return builder.Build();
    }

    // Opening a connection runs nothing, so every outage while opening is safe to retry.
    private static ResiliencePipeline BuildPipeline(PostgreSqlOptions options, TimeProvider timeProvider, ILogger logger) =>
        RetryPipelines.Create(
            options.RetryAttempts,
            options.RetryDelay,
            PostgreSqlFailures.IsOutage,
            timeProvider,
            (attempt, exception) => PostgreSqlLog.Retrying(logger, attempt, exception));

    private static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }
}
