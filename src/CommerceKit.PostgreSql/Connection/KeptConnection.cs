using Npgsql;

namespace CommerceKit.PostgreSql.Connection;

/// <summary>
/// One connection kept open for short statements that run often (the lock's, the rate limiter's and the idempotency
/// store's). A statement on a connection just taken from the pool first pays for Npgsql's reset of that connection,
/// a second command on the server: on the benchmark machine a third of a millisecond after an idle spell, as much as
/// a lock release itself, and a third of a hot rate-limit decision. A connection
/// kept open has nothing to reset, and only CommerceKit's own statements run on it, so no session state can leak in
/// or out. One caller uses it at a time; a caller that finds it busy takes a pooled connection instead, so nobody
/// queues for it. It holds one connection of the pool while in use, and goes back to the pool after
/// <see cref="IdleLimit"/> without a statement (so a connection idle long enough for a firewall or the server to
/// drop it is never used), and after any failure.
/// </summary>
internal sealed class KeptConnection(PostgreSqlDatabase database, TimeProvider timeProvider) : IAsyncDisposable
{
    private static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private NpgsqlConnection? _connection;
    private long _lastUsed;
    private bool _disposed;

    public async Task<TResult> ExecuteAsync<TState, TResult>(
        Func<NpgsqlConnection, TState, CancellationToken, Task<TResult>> operation,
        TState state,
        CancellationToken cancellationToken)
    {
        // A zero wait never blocks: a busy kept connection sends this statement to the pool instead of queueing it.
        if (!await _gate.WaitAsync(0, CancellationToken.None).ConfigureAwait(false))
        {
            return await database.ExecuteAsync(operation, state, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            if (_disposed)
            {
                return await database.ExecuteAsync(operation, state, cancellationToken).ConfigureAwait(false);
            }

            if (_connection is not null && timeProvider.GetElapsedTime(_lastUsed) > IdleLimit)
            {
                await ReturnToPoolAsync().ConfigureAwait(false);
            }

            var connection = _connection ??= await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var completed = false;
            try
            {
                var result = await database.RunOnAsync(connection, operation, state, cancellationToken).ConfigureAwait(false);
                completed = true;
                return result;
            }
            finally
            {
                _lastUsed = timeProvider.GetTimestamp();
                if (!completed)
                {
                    // An outage, a server error or a cancellation mid-command: start from a fresh connection next time.
                    await ReturnToPoolAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            await ReturnToPoolAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ReturnToPoolAsync()
    {
        var connection = _connection;
        _connection = null;
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
