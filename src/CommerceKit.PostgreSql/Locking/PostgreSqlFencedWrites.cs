using CommerceKit.Locking;
using CommerceKit.PostgreSql.Connection;
using Npgsql;

namespace CommerceKit.PostgreSql.Locking;

/// <summary>
/// Makes a PostgreSQL write conditional on a fencing token: call <see cref="EnsureCurrentAsync"/> (with the lock's name and <see cref="ILockHandle.FencingToken"/>) inside the
/// transaction that writes, and the transaction can only commit while no newer lock holder has written the same
/// resource. This is what keeps a holder that was paused past its lease from overwriting the next holder's work.
/// </summary>
public sealed class PostgreSqlFencedWrites
{
    private readonly PostgreSqlDatabase _database;
    private readonly LockingSql _sql;

    internal PostgreSqlFencedWrites(PostgreSqlDatabase database)
    {
        _database = database;
        _sql = new LockingSql(database.Schema);
    }

    /// <summary>
    /// Records <paramref name="fencingToken"/> as the newest writer of <paramref name="resource"/> within
    /// <paramref name="transaction"/>, or throws when a newer token already wrote it. The record is locked until the
    /// transaction ends, so writers of one resource run one after another and a stale one cannot slip in between.
    /// </summary>
    /// <param name="transaction">The transaction of the protected write; roll it back when this throws.</param>
    /// <param name="resource">What the write protects, usually the lock's name.</param>
    /// <param name="fencingToken">The writer's <see cref="ILockHandle.FencingToken"/>.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the token is recorded.</returns>
    /// <exception cref="ArgumentException"><paramref name="resource"/> is not a valid key.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fencingToken"/> is not positive.</exception>
    /// <exception cref="StaleFencingTokenException">A newer token has written the resource: roll the transaction back.</exception>
    /// <exception cref="BackendUnavailableException">PostgreSQL could not be reached.</exception>
    public async Task EnsureCurrentAsync(NpgsqlTransaction transaction, string resource, long fencingToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        KeyGuard.ThrowIfInvalid(resource);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fencingToken);
        await _database.EnsureSchemaAsync(LockingSql.Component, _sql.Schema, cancellationToken).ConfigureAwait(false);
        var command = CallerTransactions.CreateCommand(transaction, _sql.ClaimFence, resource, fencingToken);
        long? claimed;
        long? newest;
        try
        {
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    claimed = reader.IsDBNull(0) ? null : reader.GetInt64(0);
                    newest = reader.IsDBNull(1) ? null : reader.GetInt64(1);
                }
            }
        }
        catch (Exception exception) when (PostgreSqlFailures.IsOutage(exception))
        {
            throw PostgreSqlFailures.Unavailable(_database.Server, exception);
        }

        if (claimed is null)
        {
            throw new StaleFencingTokenException(resource, fencingToken, newest);
        }
    }
}
