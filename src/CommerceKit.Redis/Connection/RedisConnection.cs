using CommerceKit.Redis.Scripting;
using System.Net;
using CommerceKit.Redis.Keys;
using CommerceKit.Shared;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
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
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private IConnectionMultiplexer? _multiplexer;
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
        _pipeline = BuildPipeline(_options, timeProvider, _logger);
    }

    /// <summary>Key naming under the configured prefix.</summary>
    public RedisKeyspace Keys { get; }

    /// <summary>The configured endpoints, for messages: never the password or other settings.</summary>
    public string Endpoints { get; }

    public async ValueTask<IConnectionMultiplexer> GetMultiplexerAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _multiplexer) is { } connected)
        {
            return connected;
        }

        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_multiplexer is { } existing)
            {
                return existing;
            }

            var multiplexer = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _multiplexer, multiplexer);
            return multiplexer;
        }
        finally
        {
            _connectGate.Release();
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
    /// Runs one operation against Redis: connects if needed, retries what Redis refused without running, and turns
    /// an outage into <see cref="BackendUnavailableException"/>. Cancellation is observed before the command is
    /// sent; a command in flight completes or times out (StackExchange.Redis commands cannot be withdrawn).
    /// </summary>
    public async Task<TResult> ExecuteAsync<TState, TResult>(
        Func<IDatabase, TState, Task<TResult>> operation,
        TState state,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            // The first attempt is written out here rather than through TryOnceThenRetryAsync: every command runs
            // it, and one async layer less is a few hundred bytes less per command.
            try
            {
                var database = await GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                return await operation(database, state).ConfigureAwait(false);
            }
            catch (Exception firstFailure) when (RedisFailures.IsSafeToRetry(firstFailure))
            {
                return await _pipeline.RetryAfterAsync(
                    static async (context, token) =>
                    {
                        var database = await context.Connection.GetDatabaseAsync(token).ConfigureAwait(false);
                        token.ThrowIfCancellationRequested();
                        return await context.Operation(database, context.State).ConfigureAwait(false);
                    },
                    (Connection: this, Operation: operation, State: state),
                    firstFailure,
                    cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (RedisFailures.IsOutage(exception))
        {
            throw RedisFailures.Unavailable(Endpoints, exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connectGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_multiplexer is { } multiplexer)
            {
                multiplexer.ConnectionFailed -= OnConnectionFailed;
                multiplexer.ConnectionRestored -= OnConnectionRestored;
                if (_ownsMultiplexer)
                {
                    await multiplexer.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _connectGate.Release();
        }

        _connectGate.Dispose();
    }

    private async Task<IConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        IConnectionMultiplexer multiplexer;
        if (_options.ConnectionFactory is { } factory)
        {
            multiplexer = await factory(cancellationToken).ConfigureAwait(false);
            _ownsMultiplexer = false;
        }
        else
        {
            multiplexer = await ConnectOwnAsync(cancellationToken).ConfigureAwait(false);
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
        configuration.AbortOnConnectFail = true;
        configuration.ConnectTimeout = (int)_options.ConnectTimeout.TotalMilliseconds;
        configuration.ClientName ??= "CommerceKit";

        // CommerceKit never blocks a pool thread, so replies need no threads of their own: reading them on the pool
        // saves a hand-over between threads on every command.
        if (!_options.UseDedicatedSocketThreads)
        {
            configuration.SocketManager = SocketManager.ThreadPool;
        }

        return configuration;
    }

    private async Task<IConnectionMultiplexer> ConnectOwnAsync(CancellationToken cancellationToken)
    {
        var connecting = ConnectionMultiplexer.ConnectAsync(CreateConfiguration());
        try
        {
            return await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _ = DisposeWhenConnectedAsync(connecting);
            throw;
        }
        catch (RedisConnectionException exception)
        {
            RedisLog.ConnectFailed(_logger, Endpoints, exception);
            throw new BackendUnavailableException(
                RedisFailures.BackendName,
                $"Could not connect to Redis ({Endpoints}) within {_options.ConnectTimeout.TotalSeconds:0.###} s: {exception.Message}",
                exception);
        }
    }

    // Nobody will use a connection that completes after the caller gave up: close it when it arrives.
    private static async Task DisposeWhenConnectedAsync(Task<ConnectionMultiplexer> connecting)
    {
        try
        {
            await (await connecting.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
        catch (RedisConnectionException)
        {
            // It failed to connect after all: there is nothing to close.
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
