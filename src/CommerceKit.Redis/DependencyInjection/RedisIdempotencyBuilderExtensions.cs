using CommerceKit.Idempotency;
using CommerceKit.Redis.Idempotency;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps the idempotency records in Redis.</summary>
public static class RedisIdempotencyBuilderExtensions
{
    /// <summary>
    /// Keeps the records in Redis: one round trip to claim (or replay), one to complete or release; records expire on
    /// the server. Requires <c>AddRedis()</c>; start-up fails without it.
    /// </summary>
    /// <param name="idempotency">The idempotency builder.</param>
    /// <returns>The builder.</returns>
    public static IdempotencyBuilder UseRedis(this IdempotencyBuilder idempotency)
    {
        ArgumentNullException.ThrowIfNull(idempotency);
        idempotency.Services.UseRedisStore<IdempotencyStore, RedisIdempotencyStore>();
        return idempotency;
    }
}
