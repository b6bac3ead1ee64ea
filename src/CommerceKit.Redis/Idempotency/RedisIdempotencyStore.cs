using CommerceKit.Idempotency;
using CommerceKit.Redis.Connection;
using StackExchange.Redis;
using CommerceKit.Shared;

namespace CommerceKit.Redis.Idempotency;

/// <summary>
/// Idempotency records in Redis: one hash per key, <c>{prefix}:idem:{{scope key}}:record</c>, written and read by one
/// script per operation, so a claim, a completion, a replay or a release is one round trip. The key expires on the
/// server's clock: with the lease while the operation runs, with the retention once its response is stored.
/// </summary>
internal sealed class RedisIdempotencyStore(RedisConnection connection) : IdempotencyStore(RedisFailures.BackendName)
{
    private const string Feature = "idem";

    protected override async ValueTask<IdempotencyClaim> TryClaimCoreAsync(IdempotencyKey key, string fingerprint, TimeSpan lease, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await connection.EvaluateAsync(
            IdempotencyScripts.Claim,
            [Record(key)],
            [fingerprint, BackendDurations.Milliseconds(lease)],
            cancellationToken).ConfigureAwait(false))!;

        return (long)result[0] switch
        {
            1 => IdempotencyClaim.Claimed((long)result[1]),
            2 => IdempotencyClaim.Completed(StoredResponse.FromBytes((byte[])result[1]!)),
            3 => IdempotencyClaim.InProgress(TimeSpan.FromMilliseconds((long)result[1])),
            _ => IdempotencyClaim.FingerprintMismatch(),
        };
    }

    protected override async ValueTask<bool> CompleteCoreAsync(IdempotencyKey key, long leaseToken, StoredResponse response, TimeSpan retention, CancellationToken cancellationToken) =>
        (long)await connection.EvaluateAsync(
            IdempotencyScripts.Complete,
            [Record(key)],
            [leaseToken, response.ToBytes(), BackendDurations.Milliseconds(retention)],
            cancellationToken).ConfigureAwait(false) == 1;

    protected override async ValueTask ReleaseCoreAsync(IdempotencyKey key, long leaseToken, CancellationToken cancellationToken) =>
        await connection.EvaluateAsync(
            IdempotencyScripts.Release,
            [Record(key)],
            [leaseToken],
            cancellationToken).ConfigureAwait(false);

    /// <summary>The Redis key of a record, for tests that check its expiry.</summary>
    internal RedisKey Record(IdempotencyKey key) => connection.Keys.For(Feature, key.ToString(), "record");
}
