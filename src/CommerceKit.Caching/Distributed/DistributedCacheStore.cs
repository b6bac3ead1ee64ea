namespace CommerceKit.Caching.Distributed;

/// <summary>
/// The second level (L2) of the cache, shared by every instance of an application: serialized values, the load lease
/// that lets one instance in the whole cluster run a key's factory, tag versions, and the notices that keep every
/// instance's memory (L1) current. Backend packages implement it (<c>UseRedis()</c>); the cache calls it,
/// applications do not.
/// </summary>
/// <remarks>
/// Every method throws <see cref="BackendUnavailableException"/> when the backend cannot be reached; the cache then
/// carries on with its memory and the factory, and never passes the exception to its callers.
/// </remarks>
public abstract class DistributedCacheStore
{
    /// <summary>
    /// Reads a key's fresh value; when there is none and <paramref name="leaseToken"/> is given, tries to take the key's
    /// load lease for <paramref name="leaseDuration"/> in the same round trip. A value made with a tag removed since does
    /// not count as fresh.
    /// </summary>
    /// <param name="key">The cache key.</param>
    /// <param name="leaseToken">The token that will own the lease; <see langword="null"/> only reads.</param>
    /// <param name="leaseDuration">How long the lease lasts if its owner neither writes nor releases it.</param>
    /// <param name="staleVersion">The <see cref="DistributedCacheEntry.Version"/> of a value the caller is replacing (an
    /// early refresh, an unreadable value): that version does not count as fresh. <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The value, or whether the lease was taken.</returns>
    public abstract ValueTask<DistributedCacheRead> ReadAsync(string key, string? leaseToken, TimeSpan leaseDuration, string? staleVersion, CancellationToken cancellationToken);

    /// <summary>The current version of each tag (0 for a tag never removed), in order.</summary>
    /// <param name="tags">The tags.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One version per tag.</returns>
    public abstract ValueTask<IReadOnlyList<long>> GetTagVersionsAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a value. With <paramref name="leaseToken"/>, only while that token still owns the key's lease (a loader
    /// whose lease was lost cannot overwrite a newer value); the lease is released and waiting instances are told.
    /// Without, the value replaces whatever is there, cancels any lease, and every other instance drops the key from
    /// its memory (<see cref="DistributedCacheNoticeKind.KeyChanged"/>).
    /// </summary>
    /// <param name="key">The cache key.</param>
    /// <param name="entry">The value and its lifetimes; <see cref="DistributedCacheEntry.Age"/> is ignored.</param>
    /// <param name="leaseToken">The lease owner's token, or <see langword="null"/> to write unconditionally.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="false"/> when the lease was no longer the caller's, so nothing was written.</returns>
    public abstract ValueTask<bool> WriteAsync(string key, DistributedCacheEntry entry, string? leaseToken, CancellationToken cancellationToken);

    /// <summary>Gives a lease back without a value (the factory failed), and tells waiting instances.</summary>
    /// <param name="key">The cache key.</param>
    /// <param name="leaseToken">The lease owner's token; a lease owned by another token is left alone.</param>
    /// <param name="cancellationToken">Cancels the release.</param>
    /// <returns>A task that completes when the lease is released.</returns>
    public abstract ValueTask ReleaseAsync(string key, string leaseToken, CancellationToken cancellationToken);

    /// <summary>Deletes a key's value and lease; every other instance drops the key from its memory.</summary>
    /// <param name="key">The cache key.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>A task that completes when the key is removed.</returns>
    public abstract ValueTask RemoveAsync(string key, CancellationToken cancellationToken);

    /// <summary>Moves a tag to its next version, so values made with it stop counting as fresh, and tells every other instance.</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>A task that completes when the tag's version has moved.</returns>
    public abstract ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken);

    /// <summary>
    /// Starts delivering the notices of other instances (and the end of every load) to <paramref name="onNotice"/>; the
    /// subscription lasts as long as the store and survives reconnects. Called once; called again after it failed.
    /// </summary>
    /// <param name="onNotice">Receives each notice, on the backend's thread: it must not block.</param>
    /// <param name="cancellationToken">Cancels the subscription attempt.</param>
    /// <returns>A task that completes when notices flow.</returns>
    public abstract ValueTask SubscribeAsync(Action<DistributedCacheNotice> onNotice, CancellationToken cancellationToken);
}
