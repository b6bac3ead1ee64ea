using CommerceKit.PostgreSql.Connection;
using CommerceKit.Shared;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Polly;
using Polly.Retry;

namespace CommerceKit.PostgreSql.Locking;

/// <summary>
/// Holds one connection that LISTENs for lock releases and hand-offs, and passes each released name and each
/// handed-over owner on. When the connection breaks it reconnects (waiters poll meanwhile, so a notification lost in
/// between only delays them: a waiter handed a lease finds it its own on its next attempt).
/// </summary>
internal sealed class LockReleaseListener : IAsyncDisposable
{
    private readonly PostgreSqlDatabase _database;
    private readonly string _handOffChannel;
    private readonly Action<string> _onReleased;
    private readonly Action<string, long> _onHandedOff;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _reconnect;
    private readonly string _payloadPrefix;
    private readonly CancellationTokenSource _stop = new();
    private Task _listening = Task.CompletedTask;

    /// <param name="database">The database to listen on.</param>
    /// <param name="handOffChannel">This instance's hand-off channel: a plain identifier of CommerceKit's making.</param>
    /// <param name="onReleased">Told the name of each released lock.</param>
    /// <param name="onHandedOff">Told the owner and token of each lease handed to a waiter of this instance.</param>
    /// <param name="timeProvider">The clock for reconnect delays.</param>
    /// <param name="loggerFactory">Logs a lost listening connection.</param>
    public LockReleaseListener(
        PostgreSqlDatabase database,
        string handOffChannel,
        Action<string> onReleased,
        Action<string, long> onHandedOff,
        TimeProvider timeProvider,
        ILoggerFactory? loggerFactory)
    {
        _database = database;
        _handOffChannel = handOffChannel;
        _onReleased = onReleased;
        _onHandedOff = onHandedOff;
        _logger = loggerFactory?.CreateLogger<LockReleaseListener>() ?? NullLogger<LockReleaseListener>.Instance;
        _payloadPrefix = Payload(database.Schema, "");
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

    /// <summary>The NOTIFY payload for a release: the schema, so instances using other schemas ignore it, and the name.</summary>
    public static string Payload(string schema, string name) => schema + ":" + name;

    /// <summary>Opens the listening connection; completes when LISTEN is in effect.</summary>
    public async Task StartAsync()
    {
        var connection = await ListenAsync(_stop.Token).ConfigureAwait(false);
        _listening = ListenUntilStoppedAsync(connection);
    }

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
            var command = new NpgsqlCommand($"LISTEN {LockingSql.ReleaseChannel}; LISTEN {_handOffChannel}", connection);
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
                LockingLog.ListenerLost(_logger, _database.Server, exception);
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

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == _handOffChannel)
        {
            if (HandOffAnnouncements.TryParse(e.Payload, out var owner, out var fencingToken))
            {
                _onHandedOff(owner, fencingToken);
            }
        }
        else if (e.Payload.StartsWith(_payloadPrefix, StringComparison.Ordinal))
        {
            _onReleased(e.Payload[_payloadPrefix.Length..]);
        }
    }
}
