using CommerceKit.Shared;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Polly;
using Polly.Retry;

namespace CommerceKit.PostgreSql.Connection;

/// <summary>
/// Holds one connection that LISTENs on some channels and passes each notification on. When the connection breaks it
/// reconnects, so a user must tolerate a notification lost in between (the lock's waiters and the outbox's
/// dispatchers poll as well).
/// </summary>
internal sealed class PostgreSqlListener : IAsyncDisposable
{
    private readonly PostgreSqlDatabase _database;
    private readonly string[] _channels;
    private readonly Action<string, string> _onNotification;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _reconnect;
    private readonly CancellationTokenSource _stop = new();
    private Task _listening = Task.CompletedTask;

    /// <param name="database">The database to listen on.</param>
    /// <param name="channels">The channels: plain identifiers of CommerceKit's making.</param>
    /// <param name="onNotification">Told the channel and payload of each notification.</param>
    /// <param name="timeProvider">The clock for reconnect delays.</param>
    /// <param name="loggerFactory">Logs a lost listening connection.</param>
    public PostgreSqlListener(
        PostgreSqlDatabase database,
        IReadOnlyList<string> channels,
        Action<string, string> onNotification,
        TimeProvider timeProvider,
        ILoggerFactory? loggerFactory)
    {
        _database = database;
        _channels = [.. channels];
        _onNotification = onNotification;
        _logger = loggerFactory?.CreateLogger<PostgreSqlListener>() ?? NullLogger<PostgreSqlListener>.Instance;
        _reconnect = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<BackendUnavailableException>(),
                MaxRetryAttempts = int.MaxValue,
                Delay = TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Constant,
                UseJitter = true,
            })
            .Build();
    }

    /// <summary>Opens the listening connection; completes when LISTEN is in effect.</summary>
    public async Task StartAsync()
    {
        var connection = await ListenAsync(_stop.Token).ConfigureAwait(false);
        _listening = ListenUntilStoppedAsync(connection);
    }

    /// <summary>Starts listening without waiting: the first connection is retried like a lost one.</summary>
    public void StartInBackground() => _listening = Task.Run(async () =>
    {
        NpgsqlConnection connection;
        try
        {
            connection = await _reconnect.ExecuteAsync(static (listener, token) => new ValueTask<NpgsqlConnection>(listener.ListenAsync(token)), this, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return;
        }

        await ListenUntilStoppedAsync(connection).ConfigureAwait(false);
    });

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _listening.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task<NpgsqlConnection> ListenAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            connection.Notification += OnNotification;
            var command = new NpgsqlCommand(string.Join("; ", _channels.Select(channel => "LISTEN " + channel)), connection);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch (Exception exception)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw PostgreSqlFailures.IsOutage(exception) ? PostgreSqlFailures.Unavailable(_database.Server, exception) : exception;
        }
    }

    private async Task ListenUntilStoppedAsync(NpgsqlConnection connection)
    {
        var stop = _stop.Token;
        while (true)
        {
            try
            {
                await connection.WaitAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (PostgreSqlFailures.IsOutage(exception))
            {
                PostgreSqlLog.ListenerLost(_logger, string.Join(", ", _channels), _database.Server, exception);
                await connection.DisposeAsync().ConfigureAwait(false);
                try
                {
                    connection = await _reconnect.ExecuteAsync(static (listener, token) => new ValueTask<NpgsqlConnection>(listener.ListenAsync(token)), this, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e) => _onNotification(e.Channel, e.Payload);
}
