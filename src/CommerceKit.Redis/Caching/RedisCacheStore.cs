using System.Globalization;
using CommerceKit.Caching.Distributed;
using CommerceKit.Redis.Connection;
using CommerceKit.Shared;
using StackExchange.Redis;

namespace CommerceKit.Redis.Caching;

/// <summary>
/// The cache's second level in Redis. A key's value is the hash <c>{prefix}:cache:{key}:value</c> and its load lease
/// <c>{prefix}:cache:{key}:lease</c> (one slot, so reading and leasing is one script); tag versions are the hash
/// <c>{prefix}:cache:{tags}:versions</c>. Notices go out on <c>{prefix}:cache:notices</c> from inside the scripts, so
/// a change and its notice cannot part.
/// </summary>
/// <remarks>
/// While the connection is down, calls fail at once with <see cref="BackendUnavailableException"/> instead of waiting for
/// a reconnect as the other features do: the cache has the factory to fall back on, and waiting would only delay it.
/// On one server a read checks the value's tag versions in the same script. On Redis Cluster the tag versions live in
/// another slot: a fresh value with tags costs a second round trip to check them.
/// </remarks>
internal sealed class RedisCacheStore : DistributedCacheStore
{
    private const string Feature = "cache";
    private const char Separator = '\n';

    private readonly RedisConnection _connection;
    private readonly RedisKey _tagVersions;
    private readonly RedisChannel _notices;
    private readonly string _origin = Guid.NewGuid().ToString("N");

    public RedisCacheStore(RedisConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _tagVersions = connection.Keys.For(Feature, "tags", "versions");
        _notices = RedisChannel.Literal($"{connection.Keys.Prefix}:{Feature}:notices");
    }

    public override async ValueTask<DistributedCacheRead> ReadAsync(string key, string? leaseToken, TimeSpan leaseDuration, string? staleVersion, CancellationToken cancellationToken)
    {
        KeyGuard.ThrowIfInvalid(key);
        var multiplexer = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        var value = Value(key);
        var tagsOnSameServer = multiplexer.HashSlot(value) == multiplexer.HashSlot(_tagVersions);
        RedisKey[] keys = tagsOnSameServer ? [value, Lease(key), _tagVersions] : [value, Lease(key)];
        while (true)
        {
            var result = (RedisResult[])(await _connection.EvaluateAsync(
                CacheScripts.Read,
                keys,
                [leaseToken ?? string.Empty, BackendDurations.Milliseconds(leaseDuration), staleVersion ?? string.Empty],
                cancellationToken).ConfigureAwait(false))!;
            var read = Parse(result);
            if (tagsOnSameServer || read.Entry is not { Tags.Count: > 0 } entry || await TagsCurrentAsync(entry, cancellationToken).ConfigureAwait(false))
            {
                return read;
            }

            // Made with a tag removed since: read again treating this write as stale, which leases the key.
            staleVersion = entry.Version;
        }
    }

    public override async ValueTask<IReadOnlyList<long>> GetTagVersionsAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var fields = tags.Select(tag => (RedisValue)KeyGuard.ThrowIfInvalid(tag, nameof(tags))).ToArray();
        await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        var versions = await _connection.ExecuteAsync(
            static (database, request) => database.HashGetAsync(request.Key, request.Fields),
            (Key: _tagVersions, Fields: fields),
            cancellationToken).ConfigureAwait(false);
        return [.. versions.Select(version => version.IsNull ? 0L : (long)version)];
    }

    public override async ValueTask<bool> WriteAsync(string key, DistributedCacheEntry entry, string? leaseToken, CancellationToken cancellationToken)
    {
        KeyGuard.ThrowIfInvalid(key);
        ArgumentNullException.ThrowIfNull(entry);
        await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        var notice = leaseToken is null ? Notice('K', key) : Notice('E', key);
        var written = await _connection.EvaluateAsync(
            CacheScripts.Write,
            [Value(key), Lease(key)],
            [
                leaseToken ?? string.Empty,
                entry.Payload,
                BackendDurations.Milliseconds(entry.Duration),
                BackendDurations.Milliseconds(entry.KeepFor),
                (long)entry.FactoryDuration.TotalMilliseconds,
                string.Join(Separator, entry.Tags),
                string.Join(',', entry.TagVersions),
                entry.Version,
                _notices.ToString(),
                notice,
            ],
            cancellationToken).ConfigureAwait(false);
        return (long)written == 1;
    }

    public override async ValueTask ReleaseAsync(string key, string leaseToken, CancellationToken cancellationToken)
    {
        KeyGuard.ThrowIfInvalid(key);
        ArgumentException.ThrowIfNullOrEmpty(leaseToken);
        await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        await _connection.EvaluateAsync(
            CacheScripts.Release,
            [Lease(key)],
            [leaseToken, _notices.ToString(), Notice('E', key)],
            cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        KeyGuard.ThrowIfInvalid(key);
        await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        await _connection.EvaluateAsync(
            CacheScripts.Remove,
            [Value(key), Lease(key)],
            [_notices.ToString(), Notice('K', key)],
            cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken)
    {
        KeyGuard.ThrowIfInvalid(tag);
        await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        await _connection.EvaluateAsync(
            CacheScripts.RemoveTag,
            [_tagVersions],
            [tag, _notices.ToString(), Notice('T', tag)],
            cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask SubscribeAsync(Action<DistributedCacheNotice> onNotice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onNotice);
        await _connection.SubscribeAsync(_notices, (_, message) => Deliver(message.ToString(), onNotice), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<IConnectionMultiplexer> ConnectedAsync(CancellationToken cancellationToken)
    {
        var multiplexer = await _connection.GetMultiplexerAsync(cancellationToken).ConfigureAwait(false);
        return multiplexer.IsConnected
            ? multiplexer
            : throw new BackendUnavailableException(RedisFailures.BackendName, $"Redis ({_connection.Endpoints}) is not connected; the cache carries on without it.", null);
    }

    /// <summary>The value key of a cache key, for tests that reach into Redis.</summary>
    internal RedisKey Value(string key) => _connection.Keys.For(Feature, key, "value");

    private RedisKey Lease(string key) => _connection.Keys.For(Feature, key, "lease");

    // A notice is "kind \n origin \n name": keys and tags never hold control characters.
    private string Notice(char kind, string name) => string.Create(CultureInfo.InvariantCulture, $"{kind}{Separator}{_origin}{Separator}{name}");

    private void Deliver(string message, Action<DistributedCacheNotice> onNotice)
    {
        var parts = message.Split(Separator, 3);
        if (parts.Length != 3)
        {
            return;
        }

        // Changes this instance made are already in its memory; the end of a load wakes waiters wherever they are.
        var kind = parts[0] switch
        {
            "E" => DistributedCacheNoticeKind.LoadEnded,
            "K" when parts[1] != _origin => DistributedCacheNoticeKind.KeyChanged,
            "T" when parts[1] != _origin => DistributedCacheNoticeKind.TagRemoved,
            _ => (DistributedCacheNoticeKind?)null,
        };
        if (kind is { } known)
        {
            onNotice(new DistributedCacheNotice(known, parts[2]));
        }
    }

    private static DistributedCacheRead Parse(RedisResult[] result)
    {
        var status = (long)result[0];
        if (status != 1)
        {
            return new DistributedCacheRead(
                status switch
                {
                    2 => DistributedCacheReadStatus.Leased,
                    3 => DistributedCacheReadStatus.LoadRunning,
                    _ => DistributedCacheReadStatus.Missing,
                },
                null);
        }

        var tags = (string)result[6]!;
        var versions = (string)result[7]!;
        return new DistributedCacheRead(DistributedCacheReadStatus.Found, new DistributedCacheEntry
        {
            Payload = (byte[])result[1]!,
            Age = TimeSpan.FromMilliseconds(Math.Max(0, (long)result[2])),
            Duration = TimeSpan.FromMilliseconds((long)result[3]),
            KeepFor = TimeSpan.FromMilliseconds((long)result[4]),
            FactoryDuration = TimeSpan.FromMilliseconds((long)result[5]),
            Tags = tags.Length == 0 ? [] : tags.Split(Separator),
            TagVersions = versions.Length == 0 ? [] : [.. versions.Split(',').Select(version => long.Parse(version, CultureInfo.InvariantCulture))],
            Version = (string)result[8]!,
        });
    }

    private async ValueTask<bool> TagsCurrentAsync(DistributedCacheEntry entry, CancellationToken cancellationToken)
    {
        var current = await GetTagVersionsAsync(entry.Tags, cancellationToken).ConfigureAwait(false);
        return current.SequenceEqual(entry.TagVersions);
    }
}
