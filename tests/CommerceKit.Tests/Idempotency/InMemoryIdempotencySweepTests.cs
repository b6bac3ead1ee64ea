using CommerceKit.Idempotency;
using CommerceKit.Idempotency.InMemory;
using Microsoft.Extensions.Time.Testing;

namespace CommerceKit.Tests.Idempotency;

public sealed class InMemoryIdempotencySweepTests
{
    [Fact]
    public async Task Claims_sweep_expired_records_once_a_minute_and_keep_live_ones()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryIdempotencyStore(time);
        for (var i = 0; i < 10; i++)
        {
            var key = new IdempotencyKey("sweep", "expired-" + i);
            var claim = await store.TryClaimAsync(key, "fp", TimeSpan.FromMinutes(5), default);
            await store.CompleteAsync(key, claim.LeaseToken, new StoredResponse(200, Array.Empty<byte>()), TimeSpan.FromSeconds(1), default);
        }

        await store.TryClaimAsync(new IdempotencyKey("sweep", "live"), "fp", TimeSpan.FromHours(1), default);

        time.Advance(TimeSpan.FromSeconds(30));
        await store.TryClaimAsync(new IdempotencyKey("sweep", "before-the-minute"), "fp", TimeSpan.FromHours(1), default);
        Assert.Equal(12, store.Count);

        time.Advance(TimeSpan.FromSeconds(31));
        await store.TryClaimAsync(new IdempotencyKey("sweep", "after-the-minute"), "fp", TimeSpan.FromHours(1), default);
        Assert.Equal(3, store.Count);
    }
}
