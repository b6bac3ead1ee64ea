using CommerceKit.Locking;
using CommerceKit.Redis.Connection;
using StackExchange.Redis;
using CommerceKit.Shared;

namespace CommerceKit.Redis.Locking;

/// <summary>
/// Leases in Redis: <c>{prefix}:lock:{name}:lease</c> holds the owner with a <c>PX</c> expiry on the server's clock,
/// <c>{prefix}:lock:{name}:fence</c> the last fencing token, <c>{prefix}:lock:{name}:waiting</c> marks that an attempt
/// failed while the lease was held, <c>{prefix}:lock:{name}:queue</c> and <c>:places</c> hold the waiters queued for a
/// hand-off. Every operation is one script, one round trip. A release hands the lease to the oldest queued waiter and
/// announces that on the channel of the waiter's instance, <c>{prefix}:lock:handed-off:{instance}</c>; other releases
/// that someone waits for are announced on <c>{prefix}:lock:released</c> to wake waiters on every instance.
/// </summary>
internal sealed class RedisLockLeaseStore : LockLeaseStore
{
    private const string Feature = "lock";

    // Long enough to ride out a server clock stepping back; tokens are floored at the server time anyway.
    private static readonly long FenceRetentionMs = (long)TimeSpan.FromDays(1).TotalMilliseconds;

    private readonly RedisConnection _connection;
    private readonly RedisChannel _releases;
    private readonly RedisChannel _handOffs;

    public RedisLockLeaseStore(RedisConnection connection)
        : base(RedisFailures.BackendName)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _releases = RedisChannel.Literal($"{connection.Keys.Prefix}:{Feature}:released");
        _handOffs = RedisChannel.Literal($"{connection.Keys.Prefix}:{Feature}:handed-off:{Guid.NewGuid():N}");
    }

    public override async ValueTask<LeaseAttempt> TryAcquireAsync(string name, string owner, TimeSpan expiry, CancellationToken cancellationToken)
    {
        var result = await AcquireAsync(name, owner, expiry, 0, 0, cancellationToken).ConfigureAwait(false);
        return result > 0 ? LeaseAttempt.Acquired(result) : LeaseAttempt.Held(TimeSpan.FromMilliseconds(-result));
    }

    public override async ValueTask<LeaseAttempt> TryAcquireOrQueueAsync(
        string name, string owner, TimeSpan expiry, TimeSpan queueFor, TimeSpan handOffLease, CancellationToken cancellationToken)
    {
        var result = await AcquireAsync(
            name, owner, expiry, BackendDurations.Milliseconds(queueFor), BackendDurations.Milliseconds(handOffLease), cancellationToken).ConfigureAwait(false);
        return result > 0 ? LeaseAttempt.Acquired(result) : LeaseAttempt.Queued(TimeSpan.FromMilliseconds(-result));
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
            new[] { Lease(name), Waiting(name), Fence(name), Queue(name), Places(name) },
            new RedisValue[] { owner, _releases.ToString(), name, FenceRetentionMs },
            cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>The lease key of a lock, for tests that delete it behind the holder's back.</summary>
    internal RedisKey Lease(string name) => _connection.Keys.For(Feature, name, "lease");

    protected override async Task StartReleaseNotificationsAsync()
    {
        await _connection.SubscribeAsync(_releases, (_, name) => NotifyReleased(name.ToString()), CancellationToken.None).ConfigureAwait(false);
        await _connection.SubscribeAsync(_handOffs, (_, handOff) => OnHandedOff(handOff.ToString()), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The waiting mark of a lock, for tests of release announcements.</summary>
    internal RedisKey Waiting(string name) => _connection.Keys.For(Feature, name, "waiting");

    /// <summary>The fencing counter of a lock, for tests that end its retention.</summary>
    internal RedisKey Fence(string name) => _connection.Keys.For(Feature, name, "fence");

    /// <summary>The queue of waiters of a lock, for tests that count it.</summary>
    internal RedisKey Queue(string name) => _connection.Keys.For(Feature, name, "queue");

    private RedisKey Places(string name) => _connection.Keys.For(Feature, name, "places");

    private async Task<long> AcquireAsync(string name, string owner, TimeSpan expiry, long queueMs, long handOffMs, CancellationToken cancellationToken) =>
        (long)await _connection.EvaluateAsync(
            LockScripts.Acquire,
            [Lease(name), Fence(name), Waiting(name), Queue(name), Places(name)],
            [owner, BackendDurations.Milliseconds(expiry), FenceRetentionMs, queueMs, handOffMs, _handOffs.ToString()],
            cancellationToken).ConfigureAwait(false);

    private void OnHandedOff(string announcement)
    {
        if (HandOffAnnouncements.TryParse(announcement, out var owner, out var fencingToken))
        {
            NotifyHandedOff(owner, fencingToken);
        }
    }
}
