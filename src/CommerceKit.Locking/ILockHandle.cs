namespace CommerceKit.Locking;

/// <summary>
/// A held lock. Its lease is renewed in the background until the handle is disposed; disposing releases the lock
/// (only this holder's lease is ever deleted) and is harmless to repeat.
/// </summary>
public interface ILockHandle : IAsyncDisposable
{
    /// <summary>The name of the lock this handle holds.</summary>
    string Name { get; }

    /// <summary>
    /// A number larger than every token handed out before for this lock name, across releases, expiries and
    /// server restarts. Pass it with every write the lock protects, through a fenced write
    /// (<c>RedisFencedWrites</c>, <c>PostgreSqlFencedWrites</c>), so a holder that was paused past its lease cannot
    /// overwrite the work of the next holder.
    /// </summary>
    long FencingToken { get; }

    /// <summary>
    /// Canceled when the lease can no longer be guaranteed: a renewal found it gone (deleted, server restarted),
    /// a renewal failed or did not answer before the lease ran out, or <see cref="DistributedLockOptions.MaxHoldTime"/>
    /// passed. It is never canceled while the lease is known to be good, nor by disposing the handle.
    /// </summary>
    CancellationToken HandleLost { get; }
}
