using CommerceKit.Idempotency;
using Npgsql;

namespace CommerceKit.PostgreSql.Idempotency;

/// <summary>
/// Stores an idempotent operation's response inside the operation's own <see cref="NpgsqlTransaction"/>, so the business
/// write (the order row) and the idempotency record commit or roll back together: exactly once, with no window in
/// which one exists without the other. Needs the PostgreSQL idempotency store (<c>AddPostgreSqlIdempotency()</c>) on
/// the same database.
/// </summary>
public sealed class PostgreSqlIdempotencyTransactions
{
    private readonly PostgreSqlIdempotencyStore _store;

    internal PostgreSqlIdempotencyTransactions(PostgreSqlIdempotencyStore store) => _store = store;

    /// <summary>
    /// Stores <paramref name="result"/> as the key's response within <paramref name="transaction"/> and tells the
    /// executor not to store it again. Call it from the operation passed to
    /// <see cref="IIdempotencyExecutor.ExecuteAsync{T}"/>, after the business write, then commit and return
    /// <paramref name="result"/>.
    /// </summary>
    /// <typeparam name="T">The operation's result type.</typeparam>
    /// <param name="transaction">The operation's open transaction.</param>
    /// <param name="context">The operation's idempotency context.</param>
    /// <param name="result">The result the operation returns.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>A task that completes when the record is written (it commits with the transaction).</returns>
    /// <exception cref="ArgumentException">The transaction has already completed.</exception>
    /// <exception cref="IdempotencyLeaseLostException">The lease ran out and the key is no longer this attempt's: roll back.</exception>
    /// <exception cref="BackendUnavailableException">PostgreSQL could not be reached.</exception>
    public Task CompleteAsync<T>(NpgsqlTransaction transaction, IdempotencyContext context, T result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return CompleteResponseAsync(transaction, context, context.CreateResponse(result), cancellationToken);
    }

    /// <summary>
    /// Stores <paramref name="response"/> as the key's response within <paramref name="transaction"/> and tells the
    /// executor not to store it again; for operations run by <see cref="IIdempotencyExecutor.ExecuteResponseAsync"/>.
    /// </summary>
    /// <param name="transaction">The operation's open transaction.</param>
    /// <param name="context">The operation's idempotency context.</param>
    /// <param name="response">The response to replay.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>A task that completes when the record is written (it commits with the transaction).</returns>
    /// <exception cref="ArgumentException">The transaction has already completed.</exception>
    /// <exception cref="IdempotencyLeaseLostException">The lease ran out and the key is no longer this attempt's: roll back.</exception>
    /// <exception cref="BackendUnavailableException">PostgreSQL could not be reached.</exception>
    public async Task CompleteResponseAsync(NpgsqlTransaction transaction, IdempotencyContext context, StoredResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(response);
        if (!await TryCompleteAsync(transaction, context.Key, context.LeaseToken, response, context.Retention, cancellationToken).ConfigureAwait(false))
        {
            throw new IdempotencyLeaseLostException();
        }

        context.MarkCompleted(response);
    }

    /// <summary>
    /// <see cref="IdempotencyStore.CompleteAsync"/> within <paramref name="transaction"/>: the record is written only
    /// if the transaction commits.
    /// </summary>
    /// <param name="transaction">The caller's open transaction.</param>
    /// <param name="key">The key.</param>
    /// <param name="leaseToken">The claim's token.</param>
    /// <param name="response">The response to replay.</param>
    /// <param name="retention">How long the response is replayed.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns><see langword="false"/> when the lease is no longer the caller's.</returns>
    /// <exception cref="ArgumentException">An argument is invalid or the transaction has already completed.</exception>
    /// <exception cref="BackendUnavailableException">PostgreSQL could not be reached.</exception>
    public Task<bool> TryCompleteAsync(
        NpgsqlTransaction transaction,
        IdempotencyKey key,
        long leaseToken,
        StoredResponse response,
        TimeSpan retention,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        IdempotencyStore.ThrowIfDefault(key);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(leaseToken);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        return _store.CompleteInTransactionAsync(transaction, key, leaseToken, response, retention, cancellationToken);
    }
}
