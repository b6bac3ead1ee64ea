using System.Globalization;
using CommerceKit.Locking;
using CommerceKit.Redis.Connection;
using StackExchange.Redis;

namespace CommerceKit.Redis.Locking;

/// <summary>
/// Writes to Redis that only land when their fencing token is not older than the last one seen for the key: what
/// keeps a lock holder that was paused past its lease from overwriting the next holder's work. The last token is
/// kept beside the key, in the same Redis Cluster slot, and checked and written in one script.
/// </summary>
/// <remarks>
/// The fence of <c>key</c> is <c>key:ck-fence</c> when the key has a hash tag, else <c>{key}:ck-fence</c>. It
/// expires with the value; a value written without expiry keeps its fence until you delete both.
/// </remarks>
public sealed class RedisFencedWrites
{
    private readonly RedisConnection _connection;

    internal RedisFencedWrites(RedisConnection connection) => _connection = connection;

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/> unless a newer fencing token already wrote it.</summary>
    /// <param name="key">The key to write: the application's own key, used as given (no CommerceKit prefix).</param>
    /// <param name="value">The value.</param>
    /// <param name="fencingToken">The writer's <see cref="ILockHandle.FencingToken"/>.</param>
    /// <param name="expiry">The value's expiry; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels before the write is sent.</param>
    /// <returns>A task that completes when the value is written.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not a valid key, or holds '}' without a hash tag (its fence could not share its slot).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fencingToken"/> or <paramref name="expiry"/> is not positive.</exception>
    /// <exception cref="StaleFencingTokenException">A newer token has written the key: nothing was written.</exception>
    /// <exception cref="BackendUnavailableException">Redis could not be reached.</exception>
    public async Task StringSetAsync(string key, RedisValue value, long fencingToken, TimeSpan? expiry = null, CancellationToken cancellationToken = default)
    {
        var fence = FenceKeyFor(key);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fencingToken);
        if (expiry is { } lifetime)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero, nameof(expiry));
        }

        var expiryMs = expiry is { } ttl ? (long)Math.Ceiling(ttl.TotalMilliseconds) : 0;
        var newer = (long)await _connection.EvaluateAsync(
            LockScripts.FencedSet,
            new RedisKey[] { key, fence },
            new RedisValue[] { fencingToken, value, expiryMs },
            cancellationToken).ConfigureAwait(false);

        if (newer != 0)
        {
            throw new StaleFencingTokenException(key, fencingToken, newer);
        }
    }

    /// <summary>The key holding the last fencing token seen for <paramref name="key"/>, in the same cluster slot.</summary>
    internal static string FenceKeyFor(string key)
    {
        KeyGuard.ThrowIfInvalid(key, nameof(key), maxLength: 1024);
        var open = key.IndexOf('{', StringComparison.Ordinal);
        if (open >= 0 && key.IndexOf('}', open + 1) is var close && close > open + 1)
        {
            return key + ":ck-fence";
        }

        if (key.Contains('}', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                "A key holding '}' without a hash tag cannot have its fence in the same Redis Cluster slot; give it a hash tag such as {order-1}.",
                nameof(key));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{{{key}}}:ck-fence");
    }
}
