using CommerceKit.Redis.Scripting;
using System.Net;
using CommerceKit.Redis.Keys;
using CommerceKit.Shared;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;
using StackExchange.Redis;

namespace CommerceKit.Redis.Connection;

/// <summary>
/// The one Redis connection every CommerceKit Redis backend shares. It connects on first use (a failure then
/// surfaces as <see cref="BackendUnavailableException"/> and the next use tries again); once connected,
/// StackExchange.Redis reconnects by itself after a server restart or a network fault.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly RedisOptions _options;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;
    private readonly ResiliencePipeline _subscribePipeline;
    private static readonly TimeSpan FailedAttemptKept = TimeSpan.FromMilliseconds(500);

    private readonly TimeProvider _timeProvider;
    private readonly Lock _connectGate = new();
    private IConnectionMultiplexer? _multiplexer;
    private Task<IConnectionMultiplexer>? _connecting;
    private long _connectingSince;
    private bool _ownsMultiplexer;
    private bool _disposed;

    public RedisConnection(
        IOptions<RedisOptions> options,
        IOptions<CommerceKitOptions> commerceKitOptions,
        TimeProvider timeProvider,
        ILoggerFactory? loggerFactory = null)
    {
        _options = options.Value;
        _logger = loggerFactory?.CreateLogger<RedisConnection>() ?? NullLogger<RedisConnection>.Instance;
        Keys = new RedisKeyspace(commerceKitOptions.Value.KeyPrefix);
        Endpoints = _options.Configuration is { } configuration ? DescribeEndpoints(configuration) : "application-provided connection";
        _timeProvider = timeProvider;
        _pipeline = BuildPipeline(_options, timeProvider, _logger);
        _subscribePipeline = RetryPipelines.CreateWithin(_options.OperationTimeout, RedisFailures.IsSafeToRetry, timeProvider);
    }

    /// <summary>Key naming under the configured prefix.</summary>
    public RedisKeyspace Keys { get; }

    /// <summary>The configured endpoints, for messages: never the password or other settings.</summary>
    public string Endpoints { get; }

    /// <summary>
    /// The connected multiplexer. Callers that arrive while a connection attempt runs share it: one attempt, never
    /// one after another; a failed attempt is forgotten, so the next use tries again. Each caller waits at most
    /// <see cref="RedisOptions.OperationTimeout"/>.
    /// </summary>
    public async ValueTask<IConnectionMultiplexer> GetMultiplexerAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _multiplexer) is { } connected)
        {
            return connected;
        }

        Task<IConnectionMultiplexer> connecting;
        long startedAt;
        lock (_connectGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_multiplexer is { } existing)
            {
                return existing;
            }

            if (_connecting is null)
            {
                _connectingSince = _timeProvider.GetTimestamp();
                _connecting = Task.Run(ConnectAndKeepAsync);
            }

            connecting = _connecting;
            startedAt = _connectingSince;
        }

        try
        {
            // Every caller waits for the attempt until the attempt's own deadline: a caller that comes late, or a
            // second time within one call, waits no longer than the first.
            var left = _options.OperationTimeout - _timeProvider.GetElapsedTime(startedAt);
            return await connecting.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException exception)
        {
            throw new BackendUnavailableException(
                RedisFailures.BackendName,
                $"Could not connect to Redis ({Endpoints}) within {_options.OperationTimeout.TotalSeconds:0.###} s.",
                exception);
        }
    }

    public async ValueTask<IDatabase> GetDatabaseAsync(CancellationToken cancellationToken) =>
        (await GetMultiplexerAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();

    /// <summary>Runs one Lua script (by SHA, see <see cref="RedisScript"/>) as <see cref="ExecuteAsync"/> runs any operation.</summary>
    public Task<RedisResult> EvaluateAsync(RedisScript script, RedisKey[] keys, RedisValue[] values, CancellationToken cancellationToken) =>
        ExecuteAsync(
            static (database, request) => request.Script.EvaluateAsync(database, request.Keys, request.Values),
            (Script: script, Keys: keys, Values: values),
            cancellationToken);

    /// <summary>
    /// Runs one operation against Redis: connects if needed, retries what Redis refused without running (Polly), and
    /// turns an outage into <see cref="BackendUnavailableException"/>. Cancellation is observed before the command is
    /// sent; a command in flight completes or times out after <see cref="RedisOptions.OperationTimeout"/>
    /// (StackExchange.Redis commands cannot be withdrawn).
    /// </summary>
    public async Task<TResult> ExecuteAsync<TState, TResult>(
        Func<IDatabase, TState, Task<TResult>> operation,
        TState state,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            // The first attempt runs outside the retry pipeline: the pipeline on every command cost a Redis rate-limit
            // decision a quarter of its time at 64 callers (docs/benchmarks.md). A refused command enters it, which
            // tries once more at once and then backs off.
            try
            {
                var database = await GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                return await operation(database, state).ConfigureAwait(false);
            }
            catch (Exception refused) when (RedisFailures.IsSafeToRetry(refused))
            {
                return await _pipeline.ExecuteAsync(
                    static async (context, token) =>
                    {
                        var database = await context.Connection.GetDatabaseAsync(token).ConfigureAwait(false);
                        token.ThrowIfCancellationRequested();
                        return await context.Operation(database, context.State).ConfigureAwait(false);
                    },
                    (Connection: this, Operation: operation, State: state),
                    cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (RedisFailures.IsOutage(exception))
        {
            throw RedisFailures.Unavailable(Endpoints, exception);
        }
    }

    /// <summary>
    /// Subscribes to <paramref name="channel"/>. A subscription issued while the subscription connection is still
    /// being made (just after connecting, or after a restart) is refused at once, and subscribing again is always
    /// safe, so it is retried for up to <see cref="RedisOptions.OperationTimeout"/>. StackExchange.Redis subscribes
    /// again by itself after a reconnect.
    /// </summary>
    public async Task SubscribeAsync(RedisChannel channel, Action<RedisChannel, RedisValue> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        try
        {
            await _subscribePipeline.ExecuteAsync(
                static async (context, token) =>
                {
                    var multiplexer = await context.Connection.GetMultiplexerAsync(token).ConfigureAwait(false);
                    token.ThrowIfCancellationRequested();
                    await multiplexer.GetSubscriber().SubscribeAsync(context.Channel, context.Handler).ConfigureAwait(false);
                },
                (Connection: this, Channel: channel, Handler: handler),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (RedisFailures.IsOutage(exception) || exception is TimeoutRejectedException)
        {
            throw RedisFailures.Unavailable(Endpoints, exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        IConnectionMultiplexer? multiplexer;
        lock (_connectGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            multiplexer = _multiplexer;
        }

        if (multiplexer is not null)
        {
            multiplexer.ConnectionFailed -= OnConnectionFailed;
            multiplexer.ConnectionRestored -= OnConnectionRestored;
            if (_ownsMultiplexer)
            {
                await multiplexer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    // One attempt shared by every caller that arrives meanwhile. It runs to its end even when they all stopped
    // waiting: a connection that arrives late is kept for the next caller (or closed, after disposal). A failed
    // attempt answers the callers of the next moment too, so a call that needs the connection twice (a subscription,
    // then a command) waits out one attempt, not two.
    private async Task<IConnectionMultiplexer> ConnectAndKeepAsync()
    {
        IConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await ConnectAsync().ConfigureAwait(false);
        }
        catch (BackendUnavailableException)
        {
            _ = ForgetAttemptAsync(FailedAttemptKept);
            throw;
        }
        catch (Exception)
        {
            _ = ForgetAttemptAsync(TimeSpan.Zero);
            throw;
        }

        lock (_connectGate)
        {
            _connecting = null;
            if (!_disposed)
            {
                Volatile.Write(ref _multiplexer, multiplexer);
                return multiplexer;
            }
        }

        if (_ownsMultiplexer)
        {
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }

        throw new ObjectDisposedException(nameof(RedisConnection));
    }

    private async Task ForgetAttemptAsync(TimeSpan after)
    {
        if (after > TimeSpan.Zero)
        {
            await Task.Delay(after, _timeProvider).ConfigureAwait(false);
        }

        lock (_connectGate)
        {
            _connecting = null;
        }
    }

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        IConnectionMultiplexer multiplexer;
        if (_options.ConnectionFactory is { } factory)
        {
            multiplexer = await factory(CancellationToken.None).ConfigureAwait(false);
            _ownsMultiplexer = false;
        }
        else
        {
            multiplexer = await ConnectOwnAsync().ConfigureAwait(false);
            _ownsMultiplexer = true;
        }

        multiplexer.ConnectionFailed += OnConnectionFailed;
        multiplexer.ConnectionRestored += OnConnectionRestored;
        RedisLog.Connected(_logger, Endpoints);
        return multiplexer;
    }

    /// <summary>The settings of the multiplexer CommerceKit creates from <see cref="RedisOptions.Configuration"/>.</summary>
    internal ConfigurationOptions CreateConfiguration()
    {
        var configuration = ConfigurationOptions.Parse(_options.Configuration!);

        // Fail the first connection loudly (the next use tries again); after it, the multiplexer reconnects by itself.
        // While it is disconnected, commands fail at once instead of waiting in StackExchange.Redis's backlog for the
        // server to return, and no reply is awaited longer than the operation timeout: an outage answers fast.
        var timeout = (int)_options.OperationTimeout.TotalMilliseconds;
        configuration.AbortOnConnectFail = true;
        configuration.ConnectTimeout = timeout;
        configuration.AsyncTimeout = timeout;
        configuration.SyncTimeout = timeout;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ClientName ??= "CommerceKit";

        // CommerceKit never blocks a pool thread, so replies need no threads of their own: reading them on the pool
        // saves a hand-over between threads on every command.
        if (!_options.UseDedicatedSocketThreads)
        {
            configuration.SocketManager = SocketManager.ThreadPool;
        }

        return configuration;
    }

    private async Task<IConnectionMultiplexer> ConnectOwnAsync()
    {
        try
        {
            return await ConnectionMultiplexer.ConnectAsync(CreateConfiguration()).ConfigureAwait(false);
        }
        catch (RedisConnectionException exception)
        {
            RedisLog.ConnectFailed(_logger, Endpoints, exception);
            throw new BackendUnavailableException(
                RedisFailures.BackendName,
                $"Could not connect to Redis ({Endpoints}) within {_options.OperationTimeout.TotalSeconds:0.###} s: {exception.Message}",
                exception);
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) =>
        RedisLog.ConnectionLost(_logger, Describe(e.EndPoint), e.FailureType.ToString(), e.Exception);

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) =>
        RedisLog.ConnectionRestored(_logger, Describe(e.EndPoint));

    private static ResiliencePipeline BuildPipeline(RedisOptions options, TimeProvider timeProvider, ILogger logger) =>
        RetryPipelines.Create(
            options.RetryAttempts,
            options.RetryDelay,
            RedisFailures.IsSafeToRetry,
            timeProvider,
            (attempt, exception) => RedisLog.Retrying(logger, attempt, exception));

    private static string DescribeEndpoints(string configuration)
    {
        try
        {
            return string.Join(",", ConfigurationOptions.Parse(configuration).EndPoints.Select(Describe));
        }
        catch (ArgumentException)
        {
            return "invalid configuration";
        }
    }

    private static string Describe(EndPoint? endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        null => "unknown",
        _ => endPoint.ToString() ?? "unknown",
    };
}
