using CommerceKit.Locking;
using CommerceKit.PostgreSql.Connection;
using Microsoft.Extensions.Logging;
using Npgsql;
using CommerceKit.Shared;

namespace CommerceKit.PostgreSql.Locking;

/// <summary>
/// Leases as rows of <c>lock_leases</c> with <c>expires_at</c> on the database clock, fencing tokens from a sequence.
/// A lease row rather than a session advisory lock: a held lock then costs no pooled connection, and a holder that
/// crashes loses its lease on the same expiry rule as on Redis. Every operation is one statement, one round trip.
/// Waiters queue in <c>lock_waiters</c>, and a release hands the lease straight to the oldest, announcing it with
/// NOTIFY on the channel of that waiter's instance; other releases that someone waited for are announced to every
/// instance. One LISTEN connection per instance hears both.
/// </summary>
internal sealed class PostgreSqlLockLeaseStore : LockLeaseStore, IAsyncDisposable
{
    private readonly PostgreSqlDatabase _database;
    private readonly LockingSql _sql;
    private readonly PostgreSqlListener _listener;
    private readonly string _handOffChannel = LockingSql.HandOffChannelPrefix + Guid.NewGuid().ToString("N");
    private readonly string _releasePayloadPrefix;

    public PostgreSqlLockLeaseStore(PostgreSqlDatabase database, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null)
        : base(PostgreSqlFailures.BackendName)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _sql = new LockingSql(database.Schema);
        _listener = new PostgreSqlListener(database, [LockingSql.ReleaseChannel, _handOffChannel], OnNotification, timeProvider, loggerFactory);
        _releasePayloadPrefix = LockingSql.ReleasePayload(database.Schema, "");
    }

    public override async ValueTask<LeaseAttempt> TryAcquireAsync(string name, string owner, TimeSpan expiry, CancellationToken cancellationToken) =>
        await AcquireAsync(name, owner, expiry, 0, 0, cancellationToken).ConfigureAwait(false);

    public override async ValueTask<LeaseAttempt> TryAcquireOrQueueAsync(
        string name, string owner, TimeSpan expiry, TimeSpan queueFor, TimeSpan handOffLease, CancellationToken cancellationToken)
    {
        var attempt = await AcquireAsync(
            name, owner, expiry, BackendDurations.Milliseconds(queueFor), BackendDurations.Milliseconds(handOffLease), cancellationToken).ConfigureAwait(false);
        return attempt.IsAcquired ? attempt : LeaseAttempt.Queued(attempt.HolderLeaseRemaining);
    }

    public override async ValueTask<bool> RenewAsync(string name, string owner, TimeSpan expiry, CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.Renew,
            [name, owner, BackendDurations.Milliseconds(expiry)],
            static async (command, token) => await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 1,
            cancellationToken).ConfigureAwait(false);

    public override async ValueTask<bool> ReleaseAsync(string name, string owner, CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.Release,
            [name, owner, LockingSql.ReleaseChannel, LockingSql.ReleasePayload(_database.Schema, name)],
            static async (command, token) => (bool)(await command.ExecuteScalarAsync(token).ConfigureAwait(false))!,
            cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    protected override Task StartReleaseNotificationsAsync() => _listener.StartAsync();

    private void OnNotification(string channel, string payload)
    {
        if (channel == _handOffChannel)
        {
            if (HandOffAnnouncements.TryParse(payload, out var owner, out var fencingToken))
            {
                NotifyHandedOff(owner, fencingToken);
            }
        }
        else if (payload.StartsWith(_releasePayloadPrefix, StringComparison.Ordinal))
        {
            // The payload names the schema, so instances using other schemas ignore it.
            NotifyReleased(payload[_releasePayloadPrefix.Length..]);
        }
    }

    private Task<TResult> RunAsync<TResult>(
        string sql,
        object[] parameters,
        Func<NpgsqlCommand, CancellationToken, Task<TResult>> read,
        CancellationToken cancellationToken) =>
        _database.RunStatementAsync(LockingSql.Component, _sql.Schema, sql, parameters, read, cancellationToken);

    // Queue ms 0: a one-shot attempt, not queued.
    private Task<LeaseAttempt> AcquireAsync(string name, string owner, TimeSpan expiry, long queueMs, long handOffMs, CancellationToken cancellationToken) =>
        RunAsync(_sql.Acquire, [name, owner, BackendDurations.Milliseconds(expiry), queueMs, handOffMs, _handOffChannel], ReadAttemptAsync, cancellationToken);

    private static async Task<LeaseAttempt> ReadAttemptAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return !reader.IsDBNull(0)
                ? LeaseAttempt.Acquired(reader.GetInt64(0))
                : LeaseAttempt.Held(reader.IsDBNull(1) ? TimeSpan.Zero : TimeSpan.FromMilliseconds(reader.GetInt64(1)));
        }
    }
}
