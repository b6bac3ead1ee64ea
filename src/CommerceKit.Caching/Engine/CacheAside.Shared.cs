using CommerceKit.Caching.Distributed;
using Microsoft.Extensions.Logging;

namespace CommerceKit.Caching.Engine;

/// <summary>
/// The second-level half of the cache. A flight reads the key from the second level and, when it is not there, takes
/// the key's cluster-wide lease in the same round trip: one instance in the cluster runs the factory and writes the
/// value (only while it still owns the lease); the others wait for its notice and read the value. Set, remove and tag
/// removal write through and are announced, so every instance drops what it holds. A second level that is down is
/// skipped: the cache answers from memory and the factory.
/// </summary>
internal sealed partial class CacheAside
{
    private async Task<CacheEntry> LoadSharedAsync<T>(
        string key,
        Func<CacheFactoryContext, CancellationToken, ValueTask<T>> factory,
        CacheEntryOptions options,
        CacheEntry? stale,
        CacheEntry? refreshing,
        long epoch)
    {
        var level = _secondLevel!;
        var token = NewVersion();
        var staleVersion = refreshing?.Version;
        var waitUntil = _time.GetTimestamp() + Ticks(level.LoadWait);
        while (true)
        {
            var woken = level.ArmWaiter(key);
            var (available, read) = await level.TryAsync(
                static (store, request) => store.ReadAsync(request.Key, request.Token, request.Lease, request.StaleVersion, CancellationToken.None),
                (Key: key, Token: token, Lease: level.LoadLease, StaleVersion: staleVersion)).ConfigureAwait(false);
            if (!available || read.Status != DistributedCacheReadStatus.LoadRunning)
            {
                level.Disarm(key, woken);
            }

            if (!available)
            {
                return (await ProduceAsync(key, factory, options, stale, token).ConfigureAwait(false)).Entry;
            }

            CachingTelemetry.RecordSecondLevel(read.Status switch
            {
                DistributedCacheReadStatus.Found => "found",
                DistributedCacheReadStatus.Leased => "leased",
                _ => "waited",
            });
            switch (read.Status)
            {
                case DistributedCacheReadStatus.Found:
                    if (TryFromShared<T>(read.Entry!, options, epoch) is { } found)
                    {
                        return found;
                    }

                    // Unreadable (the type changed shape): load it again and replace it.
                    staleVersion = read.Entry!.Version;
                    continue;

                case DistributedCacheReadStatus.Leased:
                    return await ProduceAndShareAsync(key, factory, options, stale, token).ConfigureAwait(false);

                default:
                    var remaining = _time.GetElapsedTime(_time.GetTimestamp(), waitUntil);
                    if (remaining <= TimeSpan.Zero)
                    {
                        level.Disarm(key, woken);
                        CachingLog.LoadWaitExpired(_logger, level.LoadWait);
                        return (await ProduceAsync(key, factory, options, stale, token).ConfigureAwait(false)).Entry;
                    }

                    await level.WaitAsync(key, woken, remaining).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>Runs the factory as the lease owner and writes its value through, or gives the lease back when it fails.</summary>
    private async Task<CacheEntry> ProduceAndShareAsync<T>(
        string key,
        Func<CacheFactoryContext, CancellationToken, ValueTask<T>> factory,
        CacheEntryOptions options,
        CacheEntry? stale,
        string token)
    {
        var level = _secondLevel!;
        var (tagsRead, tagVersions) = await ReadTagVersionsAsync(options.Tags).ConfigureAwait(false);
        Produced produced;
        DistributedCacheEntry shared;
        try
        {
            produced = await ProduceAsync(key, factory, options, stale, token).ConfigureAwait(false);
            if (!ReferenceEquals(produced.Options, options))
            {
                (tagsRead, tagVersions) = await ReadTagVersionsAsync(produced.Options.Tags).ConfigureAwait(false);
            }

            shared = ToShared((T)produced.Entry.Value!, produced.Entry.Version!, produced.Options, produced.FactoryDuration, tagVersions);
        }
        catch
        {
            await level.TryAsync(static (store, lease) => store.ReleaseAsync(lease.Key, lease.Token, CancellationToken.None), (Key: key, Token: token)).ConfigureAwait(false);
            throw;
        }

        if (!tagsRead)
        {
            // Without the tag versions the value cannot be written safely; another instance loads it.
            await level.TryAsync(static (store, lease) => store.ReleaseAsync(lease.Key, lease.Token, CancellationToken.None), (Key: key, Token: token)).ConfigureAwait(false);
            return produced.Entry;
        }

        var (available, written) = await level.TryAsync(
            static (store, write) => store.WriteAsync(write.Key, write.Shared, write.Token, CancellationToken.None),
            (Key: key, Shared: shared, Token: token)).ConfigureAwait(false);
        if (available && !written)
        {
            CachingLog.LeaseLost(_logger);
        }

        return produced.Entry;
    }

    private async ValueTask<(bool Read, IReadOnlyList<long> Versions)> ReadTagVersionsAsync(IReadOnlyList<string> tags)
    {
        if (tags.Count == 0)
        {
            return (true, []);
        }

        var (available, versions) = await _secondLevel!.TryAsync(
            static (store, tags) => store.GetTagVersionsAsync(tags, CancellationToken.None),
            tags).ConfigureAwait(false);
        return (available, versions);
    }

    private DistributedCacheEntry ToShared<T>(T value, string version, CacheEntryOptions options, TimeSpan factoryDuration, IReadOnlyList<long> tagVersions) => new()
    {
        Payload = _secondLevel!.Serialize(value),
        Version = version,
        Duration = options.Duration,
        KeepFor = options.FailSafeMaxDuration > options.Duration ? options.FailSafeMaxDuration : options.Duration,
        FactoryDuration = factoryDuration,
        Tags = options.Tags,
        TagVersions = tagVersions,
    };

    /// <summary>
    /// This instance's copy of a second-level value, with its lifetimes on this instance's clock; <see langword="null"/>
    /// when it cannot be deserialized. Its tags count as removed if a tag moved since <paramref name="epoch"/>: the
    /// value may have been read just before that removal.
    /// </summary>
    private CacheEntry? TryFromShared<T>(DistributedCacheEntry shared, CacheEntryOptions options, long epoch)
    {
        T value;
        try
        {
            value = _secondLevel!.Deserialize<T>(shared.Payload);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            CachingLog.UnreadableValue(_logger, exception);
            return null;
        }

        string[] tags = [.. shared.Tags];
        var versions = TagVersions(tags);
        if (tags.Length > 0 && Volatile.Read(ref _tagEpoch) != epoch)
        {
            Array.Fill(versions, -1);
        }

        var created = _time.GetTimestamp() - Ticks(shared.Age);
        var expires = created + Ticks(LocalFreshness(shared.Duration, options));
        return new CacheEntry(value, created, expires, created + Ticks(shared.KeepFor), options.EarlyRefreshBeta * Ticks(shared.FactoryDuration), tags, versions, version: shared.Version);
    }

    private async ValueTask<CacheResult<T>> TryGetSharedAsync<T>(string key, CacheEntry? seen)
    {
        var epoch = Volatile.Read(ref _tagEpoch);
        var (available, read) = await _secondLevel!.TryAsync(
            static (store, key) => store.ReadAsync(key, null, TimeSpan.Zero, null, CancellationToken.None),
            key).ConfigureAwait(false);
        if (!available || read.Status != DistributedCacheReadStatus.Found || TryFromShared<T>(read.Entry!, _defaults, epoch) is not { } entry)
        {
            return default;
        }

        Store(key, seen, entry);
        return new CacheResult<T>((T)entry.Value!, false, _time.GetElapsedTime(entry.Created));
    }

    private async ValueTask SetSharedAsync<T>(string key, T value, CacheEntry entry, CacheEntryOptions options)
    {
        var level = _secondLevel!;
        var (tagsRead, tagVersions) = await ReadTagVersionsAsync(options.Tags).ConfigureAwait(false);
        var shared = ToShared(value, entry.Version!, options, TimeSpan.Zero, tagVersions);
        if (!tagsRead || !(await level.TryAsync(
                static (store, write) => store.WriteAsync(write.Key, write.Shared, null, CancellationToken.None),
                (Key: key, Shared: shared)).ConfigureAwait(false)).Available)
        {
            level.RememberUnannouncedKey(key);
        }
    }

    private async ValueTask RemoveSharedAsync(string key)
    {
        if (!await _secondLevel!.TryAsync(static (store, key) => store.RemoveAsync(key, CancellationToken.None), key).ConfigureAwait(false))
        {
            _secondLevel.RememberUnannouncedKey(key);
        }
    }

    private async ValueTask RemoveTagSharedAsync(string tag)
    {
        if (!await _secondLevel!.TryAsync(static (store, tag) => store.RemoveByTagAsync(tag, CancellationToken.None), tag).ConfigureAwait(false))
        {
            _secondLevel.RememberUnannouncedTag(tag);
        }
    }

    /// <summary>Reads a batch's keys from the second level, answers those found, and leases the others where it can.</summary>
    private async Task<(List<(string Key, TaskCompletionSource<CacheEntry?> Completion, CacheEntry? Comparand)> Missing, SharedLeases? Leases)> ReadManySharedAsync<T>(
        List<(string Key, TaskCompletionSource<CacheEntry?> Completion, CacheEntry? Comparand)> batch,
        CacheEntryOptions options,
        long epoch)
    {
        var level = _secondLevel!;
        var tokens = batch.Select(_ => NewVersion()).ToArray();
        var reads = await Task.WhenAll(batch.Select((item, i) => level.TryAsync(
            static (store, request) => store.ReadAsync(request.Key, request.Token, request.Lease, null, CancellationToken.None),
            (item.Key, Token: tokens[i], Lease: level.LoadLease)).AsTask())).ConfigureAwait(false);

        var missing = new List<(string Key, TaskCompletionSource<CacheEntry?> Completion, CacheEntry? Comparand)>(batch.Count);
        var leased = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            var (key, completion, comparand) = batch[i];
            var (available, read) = reads[i];
            if (available && read.Status == DistributedCacheReadStatus.Found && TryFromShared<T>(read.Entry!, options, epoch) is { } found)
            {
                Store(key, comparand, found);
                completion.SetResult(found);
                _flights.TryRemove(new KeyValuePair<string, Task<CacheEntry?>>(key, completion.Task));
                continue;
            }

            // Keys another instance is loading are loaded here too, but not written: only a lease owner writes.
            if (available && read.Status == DistributedCacheReadStatus.Leased)
            {
                leased[key] = tokens[i];
            }

            missing.Add(batch[i]);
        }

        if (leased.Count == 0)
        {
            return (missing, null);
        }

        var (tagsRead, tagVersions) = await ReadTagVersionsAsync(options.Tags).ConfigureAwait(false);
        var leases = new SharedLeases(leased, tagVersions);
        if (!tagsRead)
        {
            await ShareManyAsync<T>(leases, new Dictionary<string, T>(), options, TimeSpan.Zero).ConfigureAwait(false);
            return (missing, null);
        }

        return (missing, leases);
    }

    /// <summary>Writes the batch's values under their leases; gives back the leases of keys the factory did not return.</summary>
    private async Task ShareManyAsync<T>(SharedLeases leases, IReadOnlyDictionary<string, T> values, CacheEntryOptions options, TimeSpan factoryDuration)
    {
        var level = _secondLevel!;
        await Task.WhenAll(leases.Tokens.Select(ShareOne)).ConfigureAwait(false);

        Task ShareOne(KeyValuePair<string, string> lease) => values.TryGetValue(lease.Key, out var value)
            ? level.TryAsync(
                static (store, write) => store.WriteAsync(write.Key, write.Shared, write.Token, CancellationToken.None),
                (lease.Key, Shared: ToShared(value, lease.Value, options, factoryDuration, leases.TagVersions), Token: lease.Value)).AsTask()
            : level.TryAsync(
                static (store, release) => store.ReleaseAsync(release.Key, release.Value, CancellationToken.None),
                lease).AsTask();
    }

    /// <summary>Applies another instance's change to this instance's memory.</summary>
    private void OnNotice(DistributedCacheNotice notice)
    {
        switch (notice.Kind)
        {
            // A flight that read the old value just before the change must not store it: the tombstone stops it.
            case DistributedCacheNoticeKind.KeyChanged when _entries.ContainsKey(notice.Name) || _flights.ContainsKey(notice.Name):
                _entries[notice.Name] = CacheEntry.Removed;
                break;
            case DistributedCacheNoticeKind.TagRemoved:
                MoveTagVersion(notice.Name);
                break;
        }
    }

    /// <summary>A factory's entry with what the second level needs of it.</summary>
    private readonly record struct Produced(CacheEntry Entry, CacheEntryOptions Options, TimeSpan FactoryDuration);

    /// <summary>The keys of a batch this instance leased, with their tokens, and the tag versions read before the factory ran.</summary>
    private sealed record SharedLeases(Dictionary<string, string> Tokens, IReadOnlyList<long> TagVersions);
}
