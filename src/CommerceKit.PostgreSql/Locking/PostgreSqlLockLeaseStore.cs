using CommerceKit.Locking;
using CommerceKit.PostgreSql.Connection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CommerceKit.PostgreSql.Locking;

/// <summary>
/// Leases as rows of <c>lock_leases</c> with <c>expires_at</c> on the database clock, fencing tokens from a sequence.
/// A lease row rather than a session advisory lock: a held lock then costs no pooled connection, and a holder that
/// crashes loses its lease on the same expiry rule as on Redis. Every operation is one statement, one round trip;
/// releases are announced with NOTIFY and heard by one LISTEN connection per instance.
/// </summary>
internal sealed class PostgreSqlLockLeaseStore : LockLeaseStore, IAsyncDisposable
{
    private readonly PostgreSqlDatabase _database;
    private readonly LockingSql _sql;
    private readonly LockReleaseListener _listener;

    public PostgreSqlLockLeaseStore(PostgreSqlDatabase database, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null)
        : base(PostgreSqlFailures.BackendName)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _sql = new LockingSql(database.Schema);
        _listener = new LockReleaseListener(database, NotifyReleased, timeProvider, loggerFactory);
    }

    public override async ValueTask<LeaseAttempt> TryAcquireAsync(string name, string owner, TimeSpan expiry, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await _database.ExecuteAsync(
            static async (connection, request, token) =>
            {
                var command = Command(connection, request.Sql, request.Name, request.Owner, Milliseconds(request.Expiry));
                await using (command.ConfigureAwait(false))
                {
                    var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        await reader.ReadAsync(token).ConfigureAwait(false);
                        return !reader.IsDBNull(0)
                            ? LeaseAttempt.Acquired(reader.GetInt64(0))
                            : LeaseAttempt.Held(reader.IsDBNull(1) ? TimeSpan.Zero : TimeSpan.FromMilliseconds(reader.GetInt64(1)));
                    }
                }
            },
            (Sql: _sql.Acquire, Name: name, Owner: owner, Expiry: expiry),
            cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask<bool> RenewAsync(string name, string owner, TimeSpan expiry, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await _database.ExecuteAsync(
            static async (connection, request, token) =>
            {
                var command = Command(connection, request.Sql, request.Name, request.Owner, Milliseconds(request.Expiry));
                await using (command.ConfigureAwait(false))
                {
                    return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 1;
                }
            },
            (Sql: _sql.Renew, Name: name, Owner: owner, Expiry: expiry),
            cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask<bool> ReleaseAsync(string name, string owner, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await _database.ExecuteAsync(
            static async (connection, request, token) =>
            {
                var command = Command(connection, request.Sql, request.Name, request.Owner, LockingSql.ReleaseChannel, request.Payload);
                await using (command.ConfigureAwait(false))
                {
                    return (long)(await command.ExecuteScalarAsync(token).ConfigureAwait(false))! == 1;
                }
            },
            (Sql: _sql.Release, Name: name, Owner: owner, Payload: LockReleaseListener.Payload(_database.Schema, name)),
            cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    protected override Task StartReleaseNotificationsAsync() => _listener.StartAsync();

    private Task EnsureSchemaAsync(CancellationToken cancellationToken) =>
        _database.EnsureSchemaAsync(LockingSql.Component, _sql.Schema, cancellationToken);

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }

    private static long Milliseconds(TimeSpan span) => (long)Math.Ceiling(span.TotalMilliseconds);
}
