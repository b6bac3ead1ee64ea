using CommerceKit.Outbox;
using CommerceKit.PostgreSql.Connection;
using Npgsql;

namespace CommerceKit.PostgreSql.Outbox;

/// <summary>
/// The inbox as rows of <c>inbox_messages</c>, keyed by consumer and message id. A message is processed in one
/// transaction that first inserts its row: a second delivery's insert waits for the first transaction and then finds the
/// row (a duplicate), or, if the first rolled back, processes the message itself.
/// </summary>
internal sealed class PostgreSqlInboxStore(PostgreSqlDatabase database) : InboxStore(PostgreSqlFailures.BackendName)
{
    private readonly OutboxSql _sql = new(database.Schema);

    public override ValueTask<bool> ProcessOnceAsync(string consumer, Guid messageId, Func<CancellationToken, ValueTask> handler, CancellationToken cancellationToken) =>
        ProcessInTransactionAsync(consumer, messageId, (_, token) => handler(token), cancellationToken);

    /// <summary>Runs <paramref name="handler"/> in a transaction that records the message, unless it is recorded already.</summary>
    public async ValueTask<bool> ProcessInTransactionAsync(
        string consumer, Guid messageId, Func<NpgsqlTransaction, CancellationToken, ValueTask> handler, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await database.ExecuteAsync(
            static async (connection, state, token) =>
            {
                var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    if (!await state.Store.TryRecordAsync(state.Consumer, state.MessageId, transaction, token).ConfigureAwait(false))
                    {
                        return false;
                    }

                    await state.Handler(transaction, token).ConfigureAwait(false);
                    await transaction.CommitAsync(token).ConfigureAwait(false);
                    return true;
                }
            },
            (Store: this, Consumer: consumer, MessageId: messageId, Handler: handler),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records the message in <paramref name="transaction"/>; <see langword="false"/> when it was recorded before.</summary>
    public async Task<bool> TryRecordAsync(string consumer, Guid messageId, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var command = CallerTransactions.CreateCommand(transaction, _sql.RecordInbox, consumer, messageId);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    public Task EnsureSchemaAsync(CancellationToken cancellationToken) =>
        database.EnsureSchemaAsync(OutboxSql.Component, _sql.Schema, cancellationToken);

    public string Server => database.Server;

    public override async ValueTask<int> DeleteRecordedBeforeAsync(TimeSpan age, int maxCount, CancellationToken cancellationToken) =>
        await database.RunStatementAsync(
            OutboxSql.Component,
            _sql.Schema,
            _sql.DeleteInbox,
            [age, maxCount],
            static (command, token) => command.ExecuteNonQueryAsync(token),
            cancellationToken).ConfigureAwait(false);
}
