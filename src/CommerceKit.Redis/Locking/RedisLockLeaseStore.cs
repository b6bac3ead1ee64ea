using CommerceKit.Locking;
using CommerceKit.Redis.Connection;
using StackExchange.Redis;
using CommerceKit.Shared;

namespace CommerceKit.Redis.Locking;

/// <summary>
/// Leases in Redis: <c>{prefix}:lock:{name}:lease</c> holds the owner with a <c>PX</c> expiry on the server's clock,
/// <c>{prefix}:lock:{name}:fence</c> the last fencing token, <c>{prefix}:lock:{name}:waiting</c> marks that an attempt
/// failed while the lease was held. Every operation is one script, one round trip; releases that someone waits for are
/// announced on <c>{prefix}:lock:released</c> to wake waiters on every instance.
/// </summary>
internal sealed class RedisLockLeaseStore : LockLeaseStore
{
    private const string Feature = "lock";

    // Long enough to ride out a server clock stepping back; tokens are floored at the server time anyway.
    private static readonly long FenceRetentionMs = (long)TimeSpan.FromDays(1).TotalMilliseconds;

    private readonly RedisConnection _connection;
    private readonly RedisChannel _releases;

    public RedisLockLeaseStore(RedisConnection connection)
        : base(RedisFailures.BackendName)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _releases = RedisChannel.Literal($"{connection.Keys.Prefix}:{Feature}:released");
    }

    public override async ValueTask<LeaseAttempt> TryAcquireAsync(string name, string owner, TimeSpan expiry, CancellationToken cancellationToken)
    {
        var result = (long)await _connection.EvaluateAsync(
            LockScripts.Acquire,
            new[] { Lease(name), Fence(name), Waiting(name) },
            new RedisValue[] { owner, BackendDurations.Milliseconds(expiry), FenceRetentionMs },
            cancellationToken).ConfigureAwait(false);

        return result > 0 ? LeaseAttempt.Acquired(result) : LeaseAttempt.Held(TimeSpan.FromMilliseconds(-result));
    }

    public override async ValueTask<bool> RenewAsync(string name, string owner, TimeSpan expiry, CancellationToken cancellationToken) =>
        (long)await _connection.EvaluateAsync(
            LockScripts.Renew,
            new[] { Lease(name) },
            new RedisValue[] { owner, BackendDurations.Milliseconds(expiry) },
            cancellationToken).ConfigureAwait(false) == 1;

    public override async ValueTask<bool> ReleaseAsync(string name, string owner, CancellationToken cancellationToken) =>
        (long)await _connection.EvaluateAsync(
            LockScripts.Release,
            new[] { Lease(name), Waiting(name) },
            new RedisValue[] { owner, _releases.ToString(), name },
            cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>The lease key of a lock, for tests that delete it behind the holder's back.</summary>
    internal RedisKey Lease(string name) => _connection.Keys.For(Feature, name, "lease");

    protected override async Task StartReleaseNotificationsAsync()
    {
        try
        {
            // StackExchange.Redis subscribes again by itself after a reconnect.
            var multiplexer = await _connection.GetMultiplexerAsync(CancellationToken.None).ConfigureAwait(false);
            await multiplexer.GetSubscriber()
                .SubscribeAsync(_releases, (_, name) => NotifyReleased(name.ToString()))
                .ConfigureAwait(false);
        }
        catch (Exception exception) when (RedisFailures.IsOutage(exception))
        {
            throw RedisFailures.Unavailable(_connection.Endpoints, exception);
        }
    }

    /// <summary>The waiting mark of a lock, for tests of release announcements.</summary>
    internal RedisKey Waiting(string name) => _connection.Keys.For(Feature, name, "waiting");

    private RedisKey Fence(string name) => _connection.Keys.For(Feature, name, "fence");
}
