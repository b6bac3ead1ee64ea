using CommerceKit.Outbox;
using CommerceKit.PostgreSql.Connection;
using Npgsql;

namespace CommerceKit.PostgreSql.Outbox;

/// <summary>
/// The inbox inside a PostgreSQL transaction: the consumer's own writes and the record that it processed a message
/// commit together, so a redelivered message is a no-op and a failed one leaves nothing behind. Registered by
/// <c>inbox.UsePostgreSql()</c>; transactions must be on the same database.
/// </summary>
public sealed class PostgreSqlInbox
{
    private readonly PostgreSqlInboxStore _store;

    internal PostgreSqlInbox(PostgreSqlInboxStore store) => _store = store;

    /// <summary>
    /// Runs <paramref name="handler"/> in a new transaction that also records the message, unless
    /// <paramref name="consumer"/> processed it before; commits when the handler returns.
    /// </summary>
    /// <param name="consumer">The consumer's name (1 to 256 characters).</param>
    /// <param name="messageId">The message's id.</param>
    /// <param name="handler">The work, given the transaction to write in; when it throws, everything rolls back.</param>
    /// <param name="cancellationToken">Cancels the statements; passed to the handler.</param>
    /// <returns><see langword="true"/> when the handler ran and committed; <see langword="false"/> for a duplicate.</returns>
    /// <exception cref="ArgumentException">The consumer is not a valid key or the id is empty.</exception>
    /// <exception cref="BackendUnavailableException">PostgreSQL could not be reached: nothing was committed.</exception>
    public async Task<bool> ProcessOnceAsync(string consumer, Guid messageId, Func<NpgsqlTransaction, CancellationToken, Task> handler, CancellationToken cancellationToken = default)
    {
        ThrowIfInvalid(consumer, messageId);
        ArgumentNullException.ThrowIfNull(handler);
        return await _store.ProcessInTransactionAsync(consumer, messageId, async (transaction, token) => await handler(transaction, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records in <paramref name="transaction"/> that <paramref name="consumer"/> processed <paramref name="messageId"/>:
    /// call it first in the consumer's transaction and roll back (or skip the work) when it returns
    /// <see langword="false"/>. A concurrent delivery of the same message waits until this transaction ends.
    /// </summary>
    /// <param name="consumer">The consumer's name (1 to 256 characters).</param>
    /// <param name="messageId">The message's id.</param>
    /// <param name="transaction">The consumer's open transaction.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns><see langword="false"/> when the message was processed before.</returns>
    /// <exception cref="ArgumentException">An argument is invalid or the transaction has completed.</exception>
    /// <exception cref="BackendUnavailableException">PostgreSQL could not be reached: roll back.</exception>
    public async Task<bool> TryRecordAsync(string consumer, Guid messageId, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
    {
        ThrowIfInvalid(consumer, messageId);
        ArgumentNullException.ThrowIfNull(transaction);
        await _store.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _store.TryRecordAsync(consumer, messageId, transaction, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlFailures.IsOutage(exception))
        {
            throw PostgreSqlFailures.Unavailable(_store.Server, exception);
        }
    }

    private static void ThrowIfInvalid(string consumer, Guid messageId)
    {
        KeyGuard.ThrowIfInvalid(consumer);
        if (messageId == Guid.Empty)
        {
            throw new ArgumentException("The message id must not be empty.", nameof(messageId));
        }
    }
}
