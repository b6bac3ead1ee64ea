using System.Collections.Concurrent;
using CommerceKit.Caching.Distributed;
using CommerceKit.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CommerceKit.Caching.Engine;

/// <summary>
/// The in-process cache (L1): entries in a concurrent dictionary, one running factory per key (its "flight") that every
/// caller missing the key joins, early refresh on hits, fail-safe and timeouts on misses. A flight stores its value
/// only over the entry it started from, so a <see cref="SetAsync"/> or <see cref="RemoveAsync"/> made meanwhile wins.
/// With a second level (an <see cref="DistributedCacheStore"/>), flights load through it: see CacheAside.Shared.cs.
/// </summary>
internal sealed partial class CacheAside : ICacheAside, IDisposable
{
    private readonly ConcurrentDictionary<string, CacheEntry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<CacheEntry?>> _flights = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _tagVersions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly CacheEntryOptions _defaults;
    private readonly int _maxEntries;
    private readonly ILogger _logger;
    private readonly ITimer _sweeper;
    private readonly SecondLevel? _secondLevel;
    private int _trimming;

    // Moves on every tag removal, here or announced: a value read from the second level while it moved may predate one.
    private long _tagEpoch;

    public CacheAside(
        IOptions<CachingOptions> options,
        TimeProvider timeProvider,
        ILogger<CacheAside>? logger = null,
        DistributedCacheStore? distributedStore = null,
        ICommerceKitSerializer? serializer = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _defaults = options.Value.DefaultEntryOptions.Validated(nameof(options));
        _maxEntries = options.Value.MaxEntries;
        _logger = logger ?? NullLogger<CacheAside>.Instance;
        _secondLevel = distributedStore is null
            ? null
            : new SecondLevel(distributedStore, serializer ?? SystemTextJsonCommerceKitSerializer.Default, options.Value, timeProvider, _logger, OnNotice);
        _sweeper = timeProvider.CreateTimer(static state => ((CacheAside)state!).Sweep(), this, options.Value.SweepInterval, options.Value.SweepInterval);
    }

    /// <summary>The entries held now, stale and removed ones included; for tests.</summary>
    internal int Count => _entries.Count;

    public ValueTask<T> GetOrCreateAsync<T>(
        string key,
        Func<CacheFactoryContext, CancellationToken, ValueTask<T>> factory,
        CacheEntryOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        // The hit path checks only for null: a key found in the dictionary was validated when it was stored.
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(factory);
        var now = _time.GetTimestamp();
        if (_entries.TryGetValue(key, out var entry) && now < entry.Expires && TagsCurrent(entry))
        {
            if (entry.ShouldRefreshEarly(now))
            {
                RefreshInBackground(key, factory, (options ?? _defaults).Validated(nameof(options)));
            }

            CachingTelemetry.Record(entry.IsStale ? "stale" : "hit");
            return new ValueTask<T>((T)entry.Value!);
        }

        return LoadAsync(key, factory, options, entry, now, cancellationToken);
    }

    public async ValueTask<IReadOnlyDictionary<string, T>> GetOrCreateManyAsync<T>(
        IReadOnlyCollection<string> keys,
        Func<IReadOnlyList<string>, CancellationToken, ValueTask<IReadOnlyDictionary<string, T>>> factory,
        CacheEntryOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(factory);
        var entryOptions = (options ?? _defaults).Validated(nameof(options));
        foreach (var key in keys)
        {
            KeyGuard.ThrowIfInvalid(key, nameof(keys));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetTimestamp();
        var values = new Dictionary<string, T>(keys.Count, StringComparer.Ordinal);
        var waits = new List<(string Key, Task<CacheEntry?> Flight, CacheEntry? Stale)>();
        var batch = new List<(string Key, TaskCompletionSource<CacheEntry?> Completion, CacheEntry? Comparand)>();
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            _entries.TryGetValue(key, out var entry);
            if (entry is not null && now < entry.Expires && TagsCurrent(entry))
            {
                values[key] = (T)entry.Value!;
                CachingTelemetry.Record(entry.IsStale ? "stale" : "hit");
            }
            else
            {
                if (TryStartFlight(key, out var flight, out var completion))
                {
                    batch.Add((key, completion, entry));
                }

                waits.Add((key, flight, Usable(entry, now)));
            }
        }

        if (batch.Count > 0)
        {
            _ = RunBatchAsync(batch, factory, entryOptions);
        }

        foreach (var (key, flight, stale) in waits)
        {
            var loaded = await WaitAsync(key, flight, entryOptions, stale, cancellationToken).ConfigureAwait(false);
            if (loaded is not null)
            {
                values[key] = (T)loaded.Value!;
            }
        }

        return values;
    }

    public ValueTask<CacheResult<T>> TryGetAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(key);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetTimestamp();
        _entries.TryGetValue(key, out var entry);
        if (Usable(entry, now) is { } usable)
        {
            return ValueTask.FromResult(new CacheResult<T>((T)usable.Value!, usable.IsStale || now >= usable.Expires, _time.GetElapsedTime(usable.Created, now)));
        }

        return _secondLevel is null ? ValueTask.FromResult(default(CacheResult<T>)) : TryGetSharedAsync<T>(key, entry);
    }

    public ValueTask SetAsync<T>(string key, T value, CacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(key);
        var entryOptions = (options ?? _defaults).Validated(nameof(options));
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetTimestamp();
        var entry = NewEntry(value, entryOptions, TagVersions(entryOptions.Tags), now, now, _secondLevel is null ? null : NewVersion());
        _entries[key] = entry;
        TrimIfFull();
        return _secondLevel is null ? ValueTask.CompletedTask : SetSharedAsync(key, value, entry, entryOptions);
    }

    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(key);
        cancellationToken.ThrowIfCancellationRequested();
        _entries[key] = CacheEntry.Removed;
        return _secondLevel is null ? ValueTask.CompletedTask : RemoveSharedAsync(key);
    }

    public ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(tag);
        cancellationToken.ThrowIfCancellationRequested();
        MoveTagVersion(tag);
        return _secondLevel is null ? ValueTask.CompletedTask : RemoveTagSharedAsync(tag);
    }

    public void Dispose() => _sweeper.Dispose();

    private async ValueTask<T> LoadAsync<T>(
        string key,
        Func<CacheFactoryContext, CancellationToken, ValueTask<T>> factory,
        CacheEntryOptions? options,
        CacheEntry? seen,
        long now,
        CancellationToken cancellationToken)
    {
        KeyGuard.ThrowIfInvalid(key);
        var entryOptions = (options ?? _defaults).Validated(nameof(options));
        cancellationToken.ThrowIfCancellationRequested();
        var stale = Usable(seen, now);
        var flight = Join(key, factory, entryOptions, stale);
        if (stale is null && entryOptions.HardTimeout is null)
        {
            // Nothing to fall back on and no time limit: await the flight itself, one state machine less per caller.
            var made = await flight.WaitAsync(cancellationToken).ConfigureAwait(false);
            CachingTelemetry.Record("miss");
            return (T)made!.Value!;
        }

        var loaded = await WaitAsync(key, flight, entryOptions, stale, cancellationToken).ConfigureAwait(false);
        return (T)loaded!.Value!;
    }

    /// <summary>
    /// Waits for a flight as the options allow: answers its entry, or the stale entry (stored again for the fail-safe
    /// throttle) when it failed or timed out and fail-safe has one, or throws what it threw.
    /// </summary>
    private async Task<CacheEntry?> WaitAsync(string key, Task<CacheEntry?> flight, CacheEntryOptions options, CacheEntry? stale, CancellationToken cancellationToken)
    {
        try
        {
            var loaded = stale is not null && options.SoftTimeout is { } soft ? await flight.WaitAsync(soft, _time, cancellationToken).ConfigureAwait(false)
                : options.HardTimeout is { } hard ? await flight.WaitAsync(hard, _time, cancellationToken).ConfigureAwait(false)
                : await flight.WaitAsync(cancellationToken).ConfigureAwait(false);
            CachingTelemetry.Record("miss");
            return loaded;
        }
        catch (Exception exception) when (stale is not null && !cancellationToken.IsCancellationRequested)
        {
            CachingTelemetry.Record("stale");
            if (!flight.IsFaulted)
            {
                // Timed out: the flight runs on and stores its value over the stale entry when it ends.
                return stale;
            }

            CachingLog.ServedStale(_logger, _time.GetElapsedTime(stale.Created), exception);
            return ServeStale(key, stale, options);
        }
    }

    /// <summary>Serves a stale entry again until the fail-safe throttle ends, so a failing factory is not called on every read.</summary>
    private CacheEntry ServeStale(string key, CacheEntry stale, CacheEntryOptions options)
    {
        var now = _time.GetTimestamp();
        var until = Math.Min(now + Ticks(options.FailSafeThrottleDuration), stale.KeepUntil);
        var throttled = new CacheEntry(stale.Value, stale.Created, until, stale.KeepUntil, 0, stale.Tags, stale.TagVersions, isStale: true, version: stale.Version);
        _entries.TryUpdate(key, throttled, stale);
        return throttled;
    }

    /// <summary>Joins the key's running flight or starts one; <paramref name="refreshing"/> is the fresh entry an early refresh replaces.</summary>
    private Task<CacheEntry?> Join<T>(
        string key,
        Func<CacheFactoryContext, CancellationToken, ValueTask<T>> factory,
        CacheEntryOptions options,
        CacheEntry? stale,
        CacheEntry? refreshing = null)
    {
        if (!TryStartFlight(key, out var flight, out var completion))
        {
            return flight;
        }

        _ = RunFactoryAsync(key, factory, options, stale, refreshing, completion);
        return flight;
    }

    /// <summary>Registers a new flight for <paramref name="key"/>, or answers the one already running.</summary>
    private bool TryStartFlight(string key, out Task<CacheEntry?> flight, out TaskCompletionSource<CacheEntry?> completion)
    {
        completion = new TaskCompletionSource<CacheEntry?>(TaskCreationOptions.RunContinuationsAsynchronously);
        while (true)
        {
            if (_flights.TryGetValue(key, out var running))
            {
                flight = running;
                return false;
            }

            if (_flights.TryAdd(key, completion.Task))
            {
                flight = completion.Task;
                return true;
            }
        }
    }

    private async Task RunFactoryAsync<T>(
        string key,
        Func<CacheFactoryContext, CancellationToken, ValueTask<T>> factory,
        CacheEntryOptions options,
        CacheEntry? stale,
        CacheEntry? refreshing,
        TaskCompletionSource<CacheEntry?> completion)
    {
        _entries.TryGetValue(key, out var comparand);
        if (IsFreshOtherThan(comparand, refreshing))
        {
            // The caller missed just before the previous flight stored its value and ended: that value answers.
            completion.SetResult(comparand);
            _flights.TryRemove(new KeyValuePair<string, Task<CacheEntry?>>(key, completion.Task));
            return;
        }

        var epoch = Volatile.Read(ref _tagEpoch);
        try
        {
            var entry = _secondLevel is null
                ? (await ProduceAsync(key, factory, options, stale, version: null).ConfigureAwait(false)).Entry
                : await LoadSharedAsync(key, factory, options, stale, refreshing, epoch).ConfigureAwait(false);
            Store(key, comparand, entry);
            completion.SetResult(entry);
        }
        catch (Exception exception)
        {
            completion.SetException(exception);
        }
        finally
        {
            _flights.TryRemove(new KeyValuePair<string, Task<CacheEntry?>>(key, completion.Task));
        }
    }

    /// <summary>Runs the factory once and makes its entry; the tag versions are read before it starts, so a removal meanwhile wins.</summary>
    private async Task<Produced> ProduceAsync<T>(
        string key,
        Func<CacheFactoryContext, CancellationToken, ValueTask<T>> factory,
        CacheEntryOptions options,
        CacheEntry? stale,
        string? version)
    {
        var versions = TagVersions(options.Tags);
        var started = _time.GetTimestamp();
        var context = new CacheFactoryContext(key, options, stale is not null, stale is null ? TimeSpan.Zero : _time.GetElapsedTime(stale.Created, started));
        T value;
        try
        {
            // The factory serves every caller of the key: no caller's token may stop it.
            value = await factory(context, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            CachingTelemetry.RecordFactory(succeeded: false);
            throw;
        }

        CachingTelemetry.RecordFactory(succeeded: true);
        var made = context.Options ?? options;
        if (!ReferenceEquals(made, options))
        {
            made.Validated(nameof(CacheFactoryContext.Options));
            versions = TagVersions(made.Tags);
        }

        var now = _time.GetTimestamp();
        return new Produced(NewEntry(value, made, versions, started, now, version), made, _time.GetElapsedTime(started, now));
    }

    private async Task RunBatchAsync<T>(
        List<(string Key, TaskCompletionSource<CacheEntry?> Completion, CacheEntry? Comparand)> batch,
        Func<IReadOnlyList<string>, CancellationToken, ValueTask<IReadOnlyDictionary<string, T>>> factory,
        CacheEntryOptions options)
    {
        // Keys whose previous flight stored a value just before this batch registered are answered by that value.
        var unanswered = new List<(string Key, TaskCompletionSource<CacheEntry?> Completion, CacheEntry? Comparand)>(batch.Count);
        foreach (var item in batch)
        {
            if (_entries.TryGetValue(item.Key, out var current) && IsFreshOtherThan(current, null))
            {
                item.Completion.SetResult(current);
                _flights.TryRemove(new KeyValuePair<string, Task<CacheEntry?>>(item.Key, item.Completion.Task));
            }
            else
            {
                unanswered.Add(item);
            }
        }

        batch = unanswered;
        if (batch.Count == 0)
        {
            return;
        }

        var epoch = Volatile.Read(ref _tagEpoch);
        SharedLeases? leases = null;
        try
        {
            if (_secondLevel is not null)
            {
                (batch, leases) = await ReadManySharedAsync<T>(batch, options, epoch).ConfigureAwait(false);
                if (batch.Count == 0)
                {
                    return;
                }
            }

            var versions = TagVersions(options.Tags);
            var started = _time.GetTimestamp();
            IReadOnlyDictionary<string, T> values;
            try
            {
                values = await factory([.. batch.Select(item => item.Key)], CancellationToken.None).ConfigureAwait(false);
            }
            catch
            {
                CachingTelemetry.RecordFactory(succeeded: false);
                if (leases is not null)
                {
                    await ShareManyAsync(leases, new Dictionary<string, T>(), options, TimeSpan.Zero).ConfigureAwait(false);
                }

                throw;
            }

            CachingTelemetry.RecordFactory(succeeded: true);
            var now = _time.GetTimestamp();
            foreach (var (key, completion, comparand) in batch)
            {
                CacheEntry? entry = null;
                if (values.TryGetValue(key, out var value))
                {
                    var version = leases?.Tokens.GetValueOrDefault(key) ?? (_secondLevel is null ? null : NewVersion());
                    entry = NewEntry(value, options, versions, started, now, version);
                    Store(key, comparand, entry);
                }

                completion.SetResult(entry);
            }

            if (leases is not null)
            {
                await ShareManyAsync(leases, values, options, _time.GetElapsedTime(started, now)).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            foreach (var (_, completion, _) in batch)
            {
                completion.TrySetException(exception);
            }
        }
        finally
        {
            foreach (var (key, completion, _) in batch)
            {
                _flights.TryRemove(new KeyValuePair<string, Task<CacheEntry?>>(key, completion.Task));
            }
        }
    }

    private void RefreshInBackground<T>(string key, Func<CacheFactoryContext, CancellationToken, ValueTask<T>> factory, CacheEntryOptions options)
    {
        if (_flights.ContainsKey(key))
        {
            return;
        }

        var now = _time.GetTimestamp();
        _entries.TryGetValue(key, out var current);
        _ = Join(key, factory, options, Usable(current, now), refreshing: current).ContinueWith(
            static (flight, state) => CachingLog.BackgroundFactoryFailed((ILogger)state!, flight.Exception!.GetBaseException()),
            _logger,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Stores a flight's entry over the entry it started from only: a set or a removal made meanwhile wins.</summary>
    private void Store(string key, CacheEntry? comparand, CacheEntry entry)
    {
        var stored = comparand is null ? _entries.TryAdd(key, entry) : _entries.TryUpdate(key, entry, comparand);
        if (stored)
        {
            TrimIfFull();
        }
    }

    private CacheEntry NewEntry<T>(T value, CacheEntryOptions options, long[] versions, long started, long now, string? version)
    {
        var expires = now + Ticks(LocalFreshness(options.Duration, options));
        var keepUntil = options.FailSafeMaxDuration > TimeSpan.Zero ? now + Ticks(options.FailSafeMaxDuration) : expires;
        var earlyRefresh = options.EarlyRefreshBeta * (now - started);
        return new CacheEntry(value, now, expires, keepUntil, earlyRefresh, [.. options.Tags], versions, version: version);
    }

    private bool IsFreshOtherThan(CacheEntry? entry, CacheEntry? refreshing) =>
        entry is not null && !ReferenceEquals(entry, refreshing) && _time.GetTimestamp() < entry.Expires && TagsCurrent(entry);

    /// <summary>The entry if it can still be served stale: not removed, within its fail-safe time, not removed by tag.</summary>
    private CacheEntry? Usable(CacheEntry? entry, long now) =>
        entry is not null && !entry.IsRemoved && now < entry.KeepUntil && TagsCurrent(entry) ? entry : null;

    private bool TagsCurrent(CacheEntry entry)
    {
        var tags = entry.Tags;
        for (var i = 0; i < tags.Length; i++)
        {
            if (_tagVersions.GetValueOrDefault(tags[i]) != entry.TagVersions[i])
            {
                return false;
            }
        }

        return true;
    }

    private long[] TagVersions(IReadOnlyList<string> tags)
    {
        if (tags.Count == 0)
        {
            return [];
        }

        var versions = new long[tags.Count];
        for (var i = 0; i < versions.Length; i++)
        {
            versions[i] = _tagVersions.GetValueOrDefault(tags[i]);
        }

        return versions;
    }

    /// <summary>How long memory holds a value fresh: its duration, or less with a second level and a shorter local duration.</summary>
    private TimeSpan LocalFreshness(TimeSpan duration, CacheEntryOptions options) =>
        _secondLevel is not null && options.LocalDuration is { } local && local < duration ? local : duration;

    private void MoveTagVersion(string tag)
    {
        _tagVersions.AddOrUpdate(tag, 1, static (_, version) => version + 1);
        Interlocked.Increment(ref _tagEpoch);
    }

    private static string NewVersion() => Guid.NewGuid().ToString("N");

    private long Ticks(TimeSpan duration) => (long)(duration.TotalSeconds * _time.TimestampFrequency);

    private void TrimIfFull()
    {
        if (_entries.Count > _maxEntries && Interlocked.Exchange(ref _trimming, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static cache => cache.Trim(), this, preferLocal: false);
        }
    }

    // Drops dead entries, then, while over the limit, the entries closest to expiry (down to 90% of it).
    private void Trim()
    {
        try
        {
            Sweep();
            var excess = _entries.Count - (_maxEntries / 10 * 9);
            if (excess > 0)
            {
                foreach (var pair in ByExpiry().Take(excess))
                {
                    _entries.TryRemove(pair);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _trimming, 0);
        }

        // Entries added while this trim ran found it running and did not start another.
        TrimIfFull();
    }

    // Read through the dictionary's own enumerator: LINQ would copy it with ICollection.CopyTo, which throws when
    // entries are added meanwhile (and, on this thread-pool work item, would end the process).
    private List<KeyValuePair<string, CacheEntry>> ByExpiry()
    {
        var entries = new List<KeyValuePair<string, CacheEntry>>(_entries.Count);
        foreach (var pair in _entries)
        {
            entries.Add(pair);
        }

        entries.Sort(static (first, second) => first.Value.Expires.CompareTo(second.Value.Expires));
        return entries;
    }

    private void Sweep()
    {
        var now = _time.GetTimestamp();
        foreach (var (key, entry) in _entries)
        {
            if (Usable(entry, now) is null && !_flights.ContainsKey(key))
            {
                _entries.TryRemove(new KeyValuePair<string, CacheEntry>(key, entry));
            }
        }
    }
}
