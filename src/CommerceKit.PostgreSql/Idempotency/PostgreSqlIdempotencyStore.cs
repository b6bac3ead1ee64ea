using CommerceKit.Idempotency;
using CommerceKit.PostgreSql.Connection;
using Npgsql;
using CommerceKit.Shared;

namespace CommerceKit.PostgreSql.Idempotency;

/// <summary>
/// Idempotency records as rows of <c>idempotency_records</c>, leases and retention on the database clock, lease tokens
/// from a sequence. A claim (or replay), a completion and a release are one statement each, one round trip.
/// </summary>
internal sealed class PostgreSqlIdempotencyStore : IdempotencyStore
{
    private readonly PostgreSqlDatabase _database;
    private readonly IdempotencySql _sql;

    public PostgreSqlIdempotencyStore(PostgreSqlDatabase database)
        : base(PostgreSqlFailures.BackendName)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _sql = new IdempotencySql(database.Schema);
    }

    protected override async ValueTask<IdempotencyClaim> TryClaimCoreAsync(IdempotencyKey key, string fingerprint, TimeSpan lease, CancellationToken cancellationToken) =>
        await RunAsync(_sql.Claim, [key.Scope, key.Key, fingerprint, BackendDurations.Milliseconds(lease)], ReadClaimAsync, cancellationToken).ConfigureAwait(false);

    protected override async ValueTask<bool> CompleteCoreAsync(IdempotencyKey key, long leaseToken, StoredResponse response, TimeSpan retention, CancellationToken cancellationToken) =>
        await RunAsync(_sql.Complete, CompletionParameters(key, leaseToken, response, retention), ExecuteAffectsOneAsync, cancellationToken).ConfigureAwait(false);

    protected override async ValueTask ReleaseCoreAsync(IdempotencyKey key, long leaseToken, CancellationToken cancellationToken) =>
        await RunAsync(_sql.Release, [key.Scope, key.Key, leaseToken], ExecuteAffectsOneAsync, cancellationToken).ConfigureAwait(false);

    /// <summary>Stores the response inside <paramref name="transaction"/>; see <see cref="PostgreSqlIdempotencyTransactions"/>.</summary>
    internal async Task<bool> CompleteInTransactionAsync(
        NpgsqlTransaction transaction,
        IdempotencyKey key,
        long leaseToken,
        StoredResponse response,
        TimeSpan retention,
        CancellationToken cancellationToken)
    {
        var command = CallerTransactions.CreateCommand(transaction, _sql.Complete, CompletionParameters(key, leaseToken, response, retention));
        await using (command.ConfigureAwait(false))
        {
            await _database.EnsureSchemaAsync(IdempotencySql.Component, _sql.Schema, cancellationToken).ConfigureAwait(false);
            try
            {
                return await ExecuteAffectsOneAsync(command, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (PostgreSqlFailures.IsOutage(exception))
            {
                throw PostgreSqlFailures.Unavailable(_database.Server, exception);
            }
        }
    }

    private Task<TResult> RunAsync<TResult>(
        string sql,
        object[] parameters,
        Func<NpgsqlCommand, CancellationToken, Task<TResult>> read,
        CancellationToken cancellationToken) =>
        _database.RunStatementAsync(IdempotencySql.Component, _sql.Schema, sql, parameters, read, cancellationToken);

    private static object[] CompletionParameters(IdempotencyKey key, long leaseToken, StoredResponse response, TimeSpan retention) =>
        [key.Scope, key.Key, leaseToken, response.ToBytes(), BackendDurations.Milliseconds(retention)];

    private static async Task<bool> ExecuteAffectsOneAsync(NpgsqlCommand command, CancellationToken cancellationToken) =>
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;

    private static async Task<IdempotencyClaim> ReadClaimAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return reader.GetInt32(0) switch
            {
                1 => IdempotencyClaim.Claimed(reader.GetInt64(1)),
                2 => IdempotencyClaim.Completed(StoredResponse.FromBytes(reader.GetFieldValue<byte[]>(2))),
                3 => IdempotencyClaim.InProgress(reader.IsDBNull(3) ? TimeSpan.Zero : TimeSpan.FromMilliseconds(reader.GetInt64(3))),
                _ => IdempotencyClaim.FingerprintMismatch(),
            };
        }
    }
}
