using System.Buffers;
using System.Collections.Concurrent;
using CommerceKit.Caching.Distributed;
using CommerceKit.Serialization;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace CommerceKit.Caching.Engine;

/// <summary>
/// The cache's way to its second level: every call goes through a circuit breaker, so while the backend is down the
/// cache stops waiting for it and serves from memory and the factory; the notice subscription is (re)made on first use;
/// a key's load waits are woken by the notices. Sets, removals and tag removals that could not reach the backend are
/// remembered and announced once it answers again, so other instances do not keep serving what this one changed.
/// </summary>
internal sealed class SecondLevel
{
    // Notices wake waiting loads at once; polling only covers a notice lost while reconnecting.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly DistributedCacheStore _store;
    private readonly ICommerceKitSerializer _serializer;
    private readonly TimeProvider _time;
    private readonly Action<DistributedCacheNotice> _onNotice;
    private readonly ResiliencePipeline _breaker;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);
    private readonly Lock _subscribing = new();
    private readonly TimeSpan _operationTimeout;
    private readonly ILogger _logger;

    // Replayed as removals: a value set during the outage may be older than one another instance wrote since.
    private readonly ConcurrentDictionary<string, byte> _unannouncedKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _unannouncedTags = new(StringComparer.Ordinal);
    private readonly int _maxUnannounced;
    private int _replaying;
    private Task? _subscription;

    public SecondLevel(
        DistributedCacheStore store,
        ICommerceKitSerializer serializer,
        CachingOptions options,
        TimeProvider timeProvider,
        ILogger logger,
        Action<DistributedCacheNotice> onNotice)
    {
        _store = store;
        _serializer = serializer;
        _time = timeProvider;
        _onNotice = onNotice;
        LoadLease = options.DistributedLoadLease;
        LoadWait = options.DistributedLoadWait;
        _operationTimeout = options.DistributedOperationTimeout;
        _maxUnannounced = options.MaxEntries;
        _logger = logger;
        _breaker = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<BackendUnavailableException>().Handle<TimeoutException>(),
                FailureRatio = 0.5,
                MinimumThroughput = 2,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = TimeSpan.FromSeconds(2),
                OnOpened = arguments =>
                {
                    CachingLog.SecondLevelUnavailable(logger, arguments.BreakDuration, arguments.Outcome.Exception);
                    return default;
                },
                OnClosed = _ =>
                {
                    CachingLog.SecondLevelRestored(logger);
                    return default;
                },
            })
            .Build();
    }

    public TimeSpan LoadLease { get; }

    public TimeSpan LoadWait { get; }

    /// <summary>
    /// Runs one call on the second level. Answers <see langword="false"/> (and the default result) when the backend is
    /// down or the breaker open: the cache then carries on without it.
    /// </summary>
    public async ValueTask<(bool Available, TResult Result)> TryAsync<TState, TResult>(
        Func<DistributedCacheStore, TState, ValueTask<TResult>> call,
        TState state)
    {
        try
        {
            var result = await _breaker.ExecuteAsync(
                static async (context, _) =>
                {
                    // A call in flight cannot be withdrawn from the backend; the cache only stops waiting for it.
                    var level = context.Level;
                    await level.EnsureSubscribedAsync().WaitAsync(level._operationTimeout, level._time).ConfigureAwait(false);
                    return await context.Call(level._store, context.State).AsTask().WaitAsync(level._operationTimeout, level._time).ConfigureAwait(false);
                },
                (Level: this, Call: call, State: state),
                CancellationToken.None).ConfigureAwait(false);
            if ((!_unannouncedKeys.IsEmpty || !_unannouncedTags.IsEmpty) && Interlocked.Exchange(ref _replaying, 1) == 0)
            {
                _ = AnnounceMissedChangesAsync();
            }

            return (true, result);
        }
        catch (Exception exception) when (exception is BackendUnavailableException or BrokenCircuitException or TimeoutException)
        {
            CachingTelemetry.RecordSecondLevel("unavailable");
            return (false, default!);
        }
    }

    /// <summary>Like <see cref="TryAsync{TState, TResult}"/> for a call without a result.</summary>
    public async ValueTask<bool> TryAsync<TState>(Func<DistributedCacheStore, TState, ValueTask> call, TState state) =>
        (await TryAsync(
            static async (store, context) =>
            {
                await context.Call(store, context.State).ConfigureAwait(false);
                return true;
            },
            (Call: call, State: state)).ConfigureAwait(false)).Available;

    /// <summary>Remembers a key set or removed while the backend was down, to announce its removal once it answers.</summary>
    public void RememberUnannouncedKey(string key) => Remember(_unannouncedKeys, key);

    /// <summary>Remembers a tag removed while the backend was down, to remove it there once it answers.</summary>
    public void RememberUnannouncedTag(string tag) => Remember(_unannouncedTags, tag);

    /// <summary>Arms a wake-up for the end of another instance's load of <paramref name="key"/>; arm before reading.</summary>
    public Task ArmWaiter(string key)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters[key] = waiter;
        return waiter.Task;
    }

    /// <summary>Waits for the armed wake-up, at most <paramref name="limit"/> (and never more than the poll interval).</summary>
    public async Task WaitAsync(string key, Task woken, TimeSpan limit)
    {
        try
        {
            await woken.WaitAsync(limit < PollInterval ? limit : PollInterval, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Read again: the notice may have been lost, or the loader died and its lease ended.
        }
        finally
        {
            Disarm(key, woken);
        }
    }

    /// <summary>Drops the armed wake-up of <paramref name="key"/> if it is still <paramref name="woken"/>.</summary>
    public void Disarm(string key, Task woken)
    {
        if (_waiters.TryGetValue(key, out var waiter) && waiter.Task == woken)
        {
            _waiters.TryRemove(new KeyValuePair<string, TaskCompletionSource>(key, waiter));
        }
    }

    public byte[] Serialize<T>(T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        _serializer.Serialize(buffer, value);
        return buffer.WrittenSpan.ToArray();
    }

    public T Deserialize<T>(ReadOnlyMemory<byte> payload) => _serializer.Deserialize<T>(payload.Span)!;

    private void Remember(ConcurrentDictionary<string, byte> unannounced, string name)
    {
        if (unannounced.Count < _maxUnannounced)
        {
            unannounced.TryAdd(name, 0);
        }
        else
        {
            CachingLog.TooManyUnannouncedChanges(_logger, _maxUnannounced);
        }
    }

    private async Task AnnounceMissedChangesAsync()
    {
        var announced = 0;
        try
        {
            foreach (var tag in _unannouncedTags.Keys)
            {
                if (!await TryAsync(static (store, tag) => store.RemoveByTagAsync(tag, CancellationToken.None), tag).ConfigureAwait(false))
                {
                    return;
                }

                _unannouncedTags.TryRemove(tag, out _);
                announced++;
            }

            foreach (var key in _unannouncedKeys.Keys)
            {
                if (!await TryAsync(static (store, key) => store.RemoveAsync(key, CancellationToken.None), key).ConfigureAwait(false))
                {
                    return;
                }

                _unannouncedKeys.TryRemove(key, out _);
                announced++;
            }
        }
        finally
        {
            CachingLog.AnnouncedMissedChanges(_logger, announced);
            Volatile.Write(ref _replaying, 0);
        }
    }

    private Task EnsureSubscribedAsync()
    {
        lock (_subscribing)
        {
            if (_subscription is null || _subscription.IsFaulted || _subscription.IsCanceled)
            {
                _subscription = _store.SubscribeAsync(OnNotice, CancellationToken.None).AsTask();
            }

            return _subscription;
        }
    }

    private void OnNotice(DistributedCacheNotice notice)
    {
        if (notice.Kind != DistributedCacheNoticeKind.TagRemoved && _waiters.TryRemove(notice.Name, out var waiter))
        {
            waiter.TrySetResult();
        }

        _onNotice(notice);
    }
}
