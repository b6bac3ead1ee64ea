using System.Collections.Concurrent;
using CommerceKit.Idempotency;

namespace CommerceKit.ThirdPartyBackend.Tests;

/// <summary>
/// An idempotency backend as a third party would write one: records in a concurrent dictionary, every change a
/// compare-and-swap instead of a lock. It derives from the public port alone and is registered with
/// <c>UseStore&lt;T&gt;()</c>. Expired records are replaced when their key is claimed again, never swept: fine for a
/// test, not for production.
/// </summary>
public sealed class CompareAndSwapIdempotencyStore(TimeProvider timeProvider) : IdempotencyStore("cas")
{
    private readonly ConcurrentDictionary<IdempotencyKey, Entry> _entries = new();
    private long _lastToken;

    protected override ValueTask<IdempotencyClaim> TryClaimCoreAsync(IdempotencyKey key, string fingerprint, TimeSpan lease, CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = timeProvider.GetUtcNow();
            var found = _entries.TryGetValue(key, out var entry);
            if (found && entry!.ExpiresAt > now)
            {
                return ValueTask.FromResult(
                    entry.Fingerprint != fingerprint ? IdempotencyClaim.FingerprintMismatch()
                    : entry.Response is { } response ? IdempotencyClaim.Completed(response)
                    : IdempotencyClaim.InProgress(entry.ExpiresAt - now));
            }

            var claim = new Entry(fingerprint, Interlocked.Increment(ref _lastToken), null, now + lease);
            if (found ? _entries.TryUpdate(key, claim, entry!) : _entries.TryAdd(key, claim))
            {
                return ValueTask.FromResult(IdempotencyClaim.Claimed(claim.LeaseToken));
            }
        }
    }

    protected override ValueTask<bool> CompleteCoreAsync(IdempotencyKey key, long leaseToken, StoredResponse response, TimeSpan retention, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (!TryGetLeased(key, leaseToken, now, out var entry))
        {
            return ValueTask.FromResult(false);
        }

        // Only the lease holder writes a leased record, so the swap fails only when the lease was taken over.
        return ValueTask.FromResult(_entries.TryUpdate(key, entry with { Response = response, ExpiresAt = now + retention }, entry));
    }

    protected override ValueTask ReleaseCoreAsync(IdempotencyKey key, long leaseToken, CancellationToken cancellationToken)
    {
        if (TryGetLeased(key, leaseToken, timeProvider.GetUtcNow(), out var entry))
        {
            _entries.TryRemove(new KeyValuePair<IdempotencyKey, Entry>(key, entry));
        }

        return ValueTask.CompletedTask;
    }

    // A lease that ran out is nobody's: the key may already be claimed by the next attempt.
    private bool TryGetLeased(IdempotencyKey key, long leaseToken, DateTimeOffset now, out Entry entry) =>
        _entries.TryGetValue(key, out entry!) && entry.LeaseToken == leaseToken && entry.Response is null && entry.ExpiresAt > now;

    private sealed record Entry(string Fingerprint, long LeaseToken, StoredResponse? Response, DateTimeOffset ExpiresAt);
}
