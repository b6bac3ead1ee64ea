using System.Collections.Concurrent;
using CommerceKit.Outbox;
using CommerceKit.Redis.Connection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CommerceKit.Redis.Outbox;

/// <summary>
/// Reads an outbox topic's stream as a member of a consumer group: takes over the messages a dead member left
/// unacknowledged (<c>XAUTOCLAIM</c>), reads new ones (<c>XREADGROUP</c>), and acknowledges each only after its handler
/// returned. Delivery is at least once; make the handler effectively-once with <see cref="IInbox"/> (or
/// <c>PostgreSqlInbox</c>), whose record commits before the handler returns.
/// </summary>
public sealed class RedisStreamsConsumer
{
    private readonly RedisConnection _connection;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(RedisKey Stream, string Group), bool> _groups = new();

    internal RedisStreamsConsumer(RedisConnection connection, ILogger<RedisStreamsConsumer>? logger = null)
    {
        _connection = connection;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Consumes until <paramref name="cancellationToken"/> is cancelled, riding out Redis outages.</summary>
    /// <param name="subscription">The topic, group and member.</param>
    /// <param name="handler">Handles one message; when it throws, the message stays pending and is delivered again after <see cref="RedisStreamsSubscription.ClaimIdleAfter"/>.</param>
    /// <param name="cancellationToken">Stops consuming.</param>
    /// <returns>A task that completes when consuming stopped.</returns>
    /// <exception cref="ArgumentException">The subscription's settings are invalid.</exception>
    public async Task RunAsync(RedisStreamsSubscription subscription, Func<OutboxEnvelope, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(handler);
        subscription.Validate();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (await ConsumeOnceAsync(subscription, handler, cancellationToken).ConfigureAwait(false) == 0)
                {
                    await Task.Delay(subscription.PollInterval, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (BackendUnavailableException exception)
            {
                RedisOutboxLog.ConsumerUnavailable(_logger, subscription.Topic, exception);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Takes over idle messages and reads new ones once, handling and acknowledging each; returns how many it took.</summary>
    /// <param name="subscription">The topic, group and member.</param>
    /// <param name="handler">Handles one message.</param>
    /// <param name="cancellationToken">Cancels between messages.</param>
    /// <returns>How many messages were delivered to the handler (handled or not).</returns>
    /// <exception cref="ArgumentException">The subscription's settings are invalid.</exception>
    /// <exception cref="BackendUnavailableException">Redis could not be reached.</exception>
    public async Task<int> ConsumeOnceAsync(RedisStreamsSubscription subscription, Func<OutboxEnvelope, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(handler);
        subscription.Validate();
        var stream = RedisStreamFields.StreamKey(_connection.Keys, subscription.Topic);
        await EnsureGroupAsync(stream, subscription.Group, cancellationToken).ConfigureAwait(false);

        var reclaimed = await _connection.ExecuteAsync(
            static (database, request) => database.StreamAutoClaimAsync(
                request.Stream, request.Subscription.Group, request.Subscription.Consumer,
                (long)request.Subscription.ClaimIdleAfter.TotalMilliseconds, "0-0", request.Subscription.BatchSize),
            (Stream: stream, Subscription: subscription),
            cancellationToken).ConfigureAwait(false);
        var entries = reclaimed.ClaimedEntries.ToList();
        entries.AddRange(await _connection.ExecuteAsync(
            static (database, request) => database.StreamReadGroupAsync(
                request.Stream, request.Subscription.Group, request.Subscription.Consumer, StreamPosition.NewMessages, request.Subscription.BatchSize),
            (Stream: stream, Subscription: subscription),
            cancellationToken).ConfigureAwait(false));

        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await HandleAsync(stream, subscription, entry, handler, cancellationToken).ConfigureAwait(false);
        }

        return entries.Count;
    }

    private async Task HandleAsync(RedisKey stream, RedisStreamsSubscription subscription, StreamEntry entry, Func<OutboxEnvelope, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        if (RedisStreamFields.TryRead(entry) is { } envelope)
        {
            try
            {
                await handler(envelope, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Left pending: delivered again once idle for ClaimIdleAfter.
                RedisOutboxLog.HandlerFailed(_logger, envelope.Id, subscription.Topic, exception);
                return;
            }
        }

        await _connection.ExecuteAsync(
            static (database, request) => database.StreamAcknowledgeAsync(request.Stream, request.Group, request.Id),
            (Stream: stream, subscription.Group, entry.Id),
            CancellationToken.None).ConfigureAwait(false);
    }

    private async Task EnsureGroupAsync(RedisKey stream, string group, CancellationToken cancellationToken)
    {
        if (_groups.ContainsKey((stream, group)))
        {
            return;
        }

        try
        {
            // From the stream's start: a group created after messages were published still gets them.
            await _connection.ExecuteAsync(
                static (database, request) => database.StreamCreateConsumerGroupAsync(request.Stream, request.Group, StreamPosition.Beginning, createStream: true),
                (Stream: stream, Group: group),
                cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Created by another member.
        }

        _groups[(stream, group)] = true;
    }
}
