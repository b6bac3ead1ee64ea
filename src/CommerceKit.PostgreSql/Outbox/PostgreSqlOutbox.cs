using CommerceKit.Outbox;
using CommerceKit.PostgreSql.Connection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommerceKit.PostgreSql.Outbox;

/// <summary>
/// Enqueues outbox messages inside the application's own <see cref="NpgsqlTransaction"/>, so the business write (the
/// order row) and its events commit or roll back together: a rollback leaves no message, a commit wakes the
/// dispatchers. Registered by <c>outbox.UsePostgreSql()</c>; the transaction must be on the same database.
/// </summary>
public sealed class PostgreSqlOutbox
{
    private readonly PostgreSqlOutboxStore _store;
    private readonly IOptions<OutboxOptions> _options;

    internal PostgreSqlOutbox(PostgreSqlOutboxStore store, IOptions<OutboxOptions> options)
    {
        _store = store;
        _options = options;
    }

    /// <summary>Enqueues <paramref name="message"/> in <paramref name="transaction"/>: it is published once the transaction commits.</summary>
    /// <param name="message">The message.</param>
    /// <param name="transaction">The application's open transaction.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>A task that completes when the message is written (it commits with the transaction).</returns>
    /// <exception cref="ArgumentException">The message is invalid (see <see cref="IOutbox.EnqueueAsync"/>) or the transaction has completed.</exception>
    /// <exception cref="BackendUnavailableException">PostgreSQL could not be reached: roll back.</exception>
    public Task EnqueueAsync(OutboxMessage message, NpgsqlTransaction transaction, CancellationToken cancellationToken = default) =>
        EnqueuePreparedAsync([OutboxMessages.Prepare(message, _options.Value.MaxPayloadBytes)], transaction, cancellationToken);

    /// <summary>Enqueues <paramref name="messages"/> in <paramref name="transaction"/>, in this order where they share a key.</summary>
    /// <param name="messages">The messages, at least one.</param>
    /// <param name="transaction">The application's open transaction.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>A task that completes when the messages are written (they commit with the transaction).</returns>
    /// <exception cref="ArgumentException">A message is invalid, the list is empty, or the transaction has completed.</exception>
    /// <exception cref="BackendUnavailableException">PostgreSQL could not be reached: roll back.</exception>
    public Task EnqueueAllAsync(IReadOnlyList<OutboxMessage> messages, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentOutOfRangeException.ThrowIfZero(messages.Count, nameof(messages));
        var maxPayloadBytes = _options.Value.MaxPayloadBytes;
        OutboxMessage[] prepared = [.. messages.Select(message => OutboxMessages.Prepare(message, maxPayloadBytes, nameof(messages)))];
        if (prepared.DistinctBy(message => message.Id).Count() != prepared.Length)
        {
            throw new ArgumentException("Two messages have the same id.", nameof(messages));
        }

        return EnqueuePreparedAsync(prepared, transaction, cancellationToken);
    }

    private async Task EnqueuePreparedAsync(OutboxMessage[] messages, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var batch = CallerTransactions.CreateBatch(transaction);
        await _store.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _store.EnqueueOnAsync(batch, messages, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlFailures.IsOutage(exception))
        {
            throw PostgreSqlFailures.Unavailable(_store.Server, exception);
        }
    }
}
