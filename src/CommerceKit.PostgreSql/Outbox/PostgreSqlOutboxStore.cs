using System.Text.Json;
using CommerceKit.Outbox;
using CommerceKit.PostgreSql.Connection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CommerceKit.PostgreSql.Outbox;

/// <summary>
/// The outbox as rows of <c>outbox_messages</c>. An enqueue is one round trip: it locks its keys until the transaction
/// ends (so a key's seq order is its commit order), inserts, and NOTIFYs, which PostgreSQL delivers on commit. A claim
/// takes the keys' heads with <c>FOR UPDATE SKIP LOCKED</c> and a lease on the database clock, in one statement (two when
/// the oldest messages' keys are all busy).
/// </summary>
internal sealed class PostgreSqlOutboxStore : OutboxStore, IAsyncDisposable
{
    // How many of the oldest unpublished messages the cheap claim looks at, at least.
    private const int ClaimWindowRows = 1000;

    private readonly PostgreSqlDatabase _database;
    private readonly OutboxSql _sql;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly Lock _gate = new();
    private readonly List<Action> _subscribers = [];
    private PostgreSqlListener? _listener;

    public PostgreSqlOutboxStore(PostgreSqlDatabase database, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null)
        : base(PostgreSqlFailures.BackendName)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _sql = new OutboxSql(database.Schema);
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
    }

    public override async ValueTask EnqueueAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        await _database.EnsureSchemaAsync(OutboxSql.Component, _sql.Schema, cancellationToken).ConfigureAwait(false);
        await _database.ExecuteAsync(
            static (connection, state, token) => state.Store.EnqueueOnAsync(new NpgsqlBatch(connection), state.Messages, token),
            (Store: this, Messages: messages),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Enqueues with <paramref name="batch"/>, an empty batch in the caller's transaction or else run as one implicit
    /// transaction: the keys' locks, the insert, and the NOTIFY delivered on commit.
    /// </summary>
    public async Task<bool> EnqueueOnAsync(NpgsqlBatch batch, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        await using (batch.ConfigureAwait(false))
        {
            var keys = messages.Select(message => message.PartitionKey ?? message.Id.ToString()).ToArray();
            batch.BatchCommands.Add(Command(_sql.LockKeys, (object)keys));
            batch.BatchCommands.Add(Command(
                _sql.Insert,
                messages.Select(message => message.Id).ToArray(),
                messages.Select(message => message.Type).ToArray(),
                messages.Select(message => message.Payload.ToArray()).ToArray(),
                keys,
                messages.Select(message => JsonSerializer.Serialize(message.Headers)).ToArray(),
                messages.Select(message => message.NotBefore?.ToUniversalTime()).ToArray()));
            batch.BatchCommands.Add(Command(_sql.Notify, OutboxSql.CommitChannel, _database.Schema));
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The host and database, for messages.</summary>
    public string Server => _database.Server;

    /// <summary>Creates the tables when missing (before a caller's transaction uses them).</summary>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken) =>
        _database.EnsureSchemaAsync(OutboxSql.Component, _sql.Schema, cancellationToken);

    public override async ValueTask<IReadOnlyList<OutboxEnvelope>> ClaimAsync(OutboxClaim claim, CancellationToken cancellationToken)
    {
        // The nearest heads first: cheap, and right whenever the oldest messages' keys are free. Only when none of
        // them is (held by others, waiting for a retry, parked) and more messages wait beyond them are all keys' heads
        // read, so that no key waits behind them.
        var window = Math.Max(ClaimWindowRows, claim.MaxKeys * 4);
        var (claimed, windowFull) = await ClaimWithAsync(
            _sql.ClaimNearest, [claim.DispatcherId, claim.MaxKeys, claim.MaxMessagesPerKey, claim.Lease, window], cancellationToken).ConfigureAwait(false);
        return claimed.Count > 0 || !windowFull
            ? claimed
            : (await ClaimWithAsync(_sql.ClaimAny, [claim.DispatcherId, claim.MaxKeys, claim.MaxMessagesPerKey, claim.Lease], cancellationToken).ConfigureAwait(false)).Claimed;
    }

    // The claimed messages in seq order, and whether the statement said free heads may wait beyond its window.
    private Task<(IReadOnlyList<OutboxEnvelope> Claimed, bool WindowFull)> ClaimWithAsync(string sql, object[] parameters, CancellationToken cancellationToken) =>
        RunAsync(
            sql,
            parameters,
            static async (command, token) =>
            {
                var claimed = new List<(long Seq, OutboxEnvelope Envelope)>();
                var windowFull = false;
                var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        if (reader.GetInt64(0) < 0)
                        {
                            windowFull = true;
                            continue;
                        }

                        claimed.Add((reader.GetInt64(0), ReadEnvelope(reader, reader.GetInt32(7))));
                    }
                }

                // RETURNING has no order: the dispatcher publishes each key's messages in seq order.
                return ((IReadOnlyList<OutboxEnvelope>)[.. claimed.OrderBy(row => row.Seq).Select(row => row.Envelope)], windowFull);
            },
            cancellationToken);

    public override async ValueTask MarkPublishedAsync(IReadOnlyList<Guid> messageIds, CancellationToken cancellationToken) =>
        await ExecuteAsync(_sql.MarkPublished, [messageIds.ToArray()], cancellationToken).ConfigureAwait(false);

    public override async ValueTask ReleaseAsync(string dispatcherId, IReadOnlyList<Guid> messageIds, CancellationToken cancellationToken) =>
        await ExecuteAsync(_sql.Release, [dispatcherId, messageIds.ToArray()], cancellationToken).ConfigureAwait(false);

    public override async ValueTask RetryLaterAsync(string dispatcherId, Guid messageId, TimeSpan delay, string error, CancellationToken cancellationToken) =>
        await ExecuteAsync(_sql.RetryLater, [dispatcherId, messageId, error, delay], cancellationToken).ConfigureAwait(false);

    public override async ValueTask DeadLetterAsync(string dispatcherId, Guid messageId, string error, CancellationToken cancellationToken) =>
        await ExecuteAsync(_sql.DeadLetter, [dispatcherId, messageId, error], cancellationToken).ConfigureAwait(false);

    public override async ValueTask<IReadOnlyList<OutboxDeadLetter>> GetDeadLettersAsync(int maxCount, CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.DeadLetters,
            [maxCount],
            static async (command, token) =>
            {
                var deadLetters = new List<OutboxDeadLetter>();
                var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        deadLetters.Add(new OutboxDeadLetter(
                            ReadEnvelope(reader, reader.GetInt32(7)),
                            reader.IsDBNull(8) ? "" : reader.GetString(8),
                            reader.GetFieldValue<DateTimeOffset>(9)));
                    }
                }

                return (IReadOnlyList<OutboxDeadLetter>)deadLetters;
            },
            cancellationToken).ConfigureAwait(false);

    public override async ValueTask<bool> RedriveAsync(Guid messageId, CancellationToken cancellationToken) =>
        await ScalarAsync<bool>(_sql.Redrive, [messageId, OutboxSql.CommitChannel, _database.Schema], cancellationToken).ConfigureAwait(false);

    public override async ValueTask<bool> PurgeAsync(Guid messageId, CancellationToken cancellationToken) =>
        await ScalarAsync<bool>(_sql.Purge, [messageId, OutboxSql.CommitChannel, _database.Schema], cancellationToken).ConfigureAwait(false);

    public override async ValueTask<int> DeletePublishedAsync(TimeSpan age, int maxCount, CancellationToken cancellationToken) =>
        await ExecuteAsync(_sql.DeletePublished, [age, maxCount], cancellationToken).ConfigureAwait(false);

    public override async ValueTask<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.Backlog,
            [],
            static async (command, token) =>
            {
                var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(token).ConfigureAwait(false);
                    return new OutboxBacklog(reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<TimeSpan>(2));
                }
            },
            cancellationToken).ConfigureAwait(false);

    /// <summary>LISTENs for commits once the first dispatcher subscribes; the listening connection reconnects by itself.</summary>
    public override IDisposable SubscribeToCommits(Action onCommitted)
    {
        lock (_gate)
        {
            _subscribers.Add(onCommitted);
            if (_listener is null)
            {
                _listener = new PostgreSqlListener(_database, [OutboxSql.CommitChannel], OnNotification, _timeProvider, _loggerFactory);
                _listener.StartInBackground();
            }
        }

        return new Subscription(this, onCommitted);
    }

    public ValueTask DisposeAsync()
    {
        PostgreSqlListener? listener;
        lock (_gate)
        {
            listener = _listener;
        }

        return listener?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    private void OnNotification(string channel, string payload)
    {
        // The payload is the schema, so instances using other schemas ignore it.
        if (payload != _database.Schema)
        {
            return;
        }

        Action[] subscribers;
        lock (_gate)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber();
        }
    }

    private static OutboxEnvelope ReadEnvelope(NpgsqlDataReader reader, int attempt) =>
        new(
            reader.GetGuid(1),
            reader.GetString(2),
            reader.GetFieldValue<byte[]>(3),
            reader.GetString(4),
            JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5)) ?? [],
            reader.GetFieldValue<DateTimeOffset>(6),
            attempt);

    private static NpgsqlBatchCommand Command(string sql, params object?[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        return command;
    }

    private Task<int> ExecuteAsync(string sql, object[] parameters, CancellationToken cancellationToken) =>
        RunAsync(sql, parameters, static (command, token) => command.ExecuteNonQueryAsync(token), cancellationToken);

    private Task<T> ScalarAsync<T>(string sql, object[] parameters, CancellationToken cancellationToken) =>
        RunAsync(sql, parameters, static async (command, token) => (T)(await command.ExecuteScalarAsync(token).ConfigureAwait(false))!, cancellationToken);

    private Task<TResult> RunAsync<TResult>(string sql, object[] parameters, Func<NpgsqlCommand, CancellationToken, Task<TResult>> read, CancellationToken cancellationToken) =>
        _database.RunStatementAsync(OutboxSql.Component, _sql.Schema, sql, parameters, read, cancellationToken);

    private sealed class Subscription(PostgreSqlOutboxStore store, Action onCommitted) : IDisposable
    {
        public void Dispose()
        {
            lock (store._gate)
            {
                store._subscribers.Remove(onCommitted);
            }
        }
    }
}
