namespace CommerceKit.Caching;

/// <summary>
/// Cache-aside: answers from the cache, and on a miss runs the factory once however many callers miss the same key at
/// the same time; refreshes hot keys early in the background; serves stale values when the factory fails, if allowed.
/// </summary>
/// <remarks>
/// With a second level (<c>AddRedisCaching()</c>), "once" holds across every instance of the application, values are
/// shared, and <see cref="SetAsync{T}"/>, <see cref="RemoveAsync"/> and <see cref="RemoveByTagAsync"/> reach every
/// instance's memory. A second level that is down never surfaces as an exception: the cache carries on with memory and
/// the factory.
/// </remarks>
public interface ICacheAside
{
    /// <summary>
    /// Answers the cached value of <paramref name="key"/>, or runs <paramref name="factory"/> to make it: once for every
    /// caller that misses the key at the same time, all of whom get its value (or its exception).
    /// </summary>
    /// <typeparam name="T">The value's type; a key always holds one type.</typeparam>
    /// <param name="key">The key: 1 to 256 characters, no control characters.</param>
    /// <param name="factory">Makes the value, for example from the database; it may change the entry's options through the context.</param>
    /// <param name="options">How long and how the value is kept; <see langword="null"/> for <see cref="CachingOptions.DefaultEntryOptions"/>.</param>
    /// <param name="cancellationToken">Stops this caller's wait; the factory keeps running for the others and fills the cache.</param>
    /// <returns>The value: fresh, or stale when the factory failed or timed out and fail-safe allows it.</returns>
    /// <exception cref="ArgumentException">The key or the options are not valid.</exception>
    /// <exception cref="TimeoutException">The factory ran past the hard timeout and there is no stale value.</exception>
    ValueTask<T> GetOrCreateAsync<T>(
        string key,
        Func<CacheFactoryContext, CancellationToken, ValueTask<T>> factory,
        CacheEntryOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Answers the values of many keys, running <paramref name="factory"/> once for all the keys that miss (keys another
    /// caller is already loading are awaited, not loaded again). Keys the factory does not return are left out.
    /// </summary>
    /// <typeparam name="T">The values' type.</typeparam>
    /// <param name="keys">The keys, each valid as for <see cref="GetOrCreateAsync{T}"/>.</param>
    /// <param name="factory">Makes the values of the missing keys it is given.</param>
    /// <param name="options">How long and how the values are kept.</param>
    /// <param name="cancellationToken">Stops this caller's wait.</param>
    /// <returns>The values by key.</returns>
    ValueTask<IReadOnlyDictionary<string, T>> GetOrCreateManyAsync<T>(
        IReadOnlyCollection<string> keys,
        Func<IReadOnlyList<string>, CancellationToken, ValueTask<IReadOnlyDictionary<string, T>>> factory,
        CacheEntryOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>Answers the cached value of <paramref name="key"/>, fresh or stale, without running any factory.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The value if there is one, with whether it is stale and its age.</returns>
    ValueTask<CacheResult<T>> TryGetAsync<T>(string key, CancellationToken cancellationToken = default);

    /// <summary>Puts <paramref name="value"/> in the cache; a factory already running for the key does not overwrite it.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="options">How long and how the value is kept.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the value is in the cache (with a second level: written there and announced).</returns>
    ValueTask SetAsync<T>(string key, T value, CacheEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="key"/>, stale value included; a factory already running for the key does not put it back.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>A task that completes when the key is gone (with a second level: from it too, and announced).</returns>
    ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Makes every entry made with <paramref name="tag"/> a miss (their stale values too): one version bump, no scan.</summary>
    /// <param name="tag">The tag: 1 to 256 characters, no control characters.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>A task that completes when the tagged entries are gone for every reader.</returns>
    ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default);
}
