using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Idempotency;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.PostgreSql.Tests.Idempotency;

/// <summary>PostgreSQL has no key expiry: the sweep deletes records past their lease or retention and keeps live ones.</summary>
public sealed class PostgreSqlIdempotencySweepTests(PostgreSqlServerFixture postgres) : IClassFixture<PostgreSqlServerFixture>
{
    [Fact]
    public async Task The_sweep_deletes_expired_records_and_keeps_live_ones()
    {
        await using var backend = new PostgreSqlIdempotencyBackend(postgres.ConnectionString);
        var store = backend.CreateStore();
        var expired = await store.TryClaimAsync(new IdempotencyKey("sweep", "expired-response"), "fp", TimeSpan.FromMinutes(1), default);
        await store.CompleteAsync(new IdempotencyKey("sweep", "expired-response"), expired.LeaseToken, new StoredResponse(200, Array.Empty<byte>()), TimeSpan.FromMilliseconds(200), default);
        await store.TryClaimAsync(new IdempotencyKey("sweep", "expired-lease"), "fp", TimeSpan.FromMilliseconds(200), default);
        await store.TryClaimAsync(new IdempotencyKey("sweep", "live"), "fp", TimeSpan.FromHours(1), default);

        await Eventually.HoldsAsync(
            async () =>
            {
                await backend.Database.ScalarAsync<object>("SELECT commercekit.idempotency_sweep()");
                return await backend.Database.ScalarAsync<string>("SELECT string_agg(key, ',' ORDER BY key) FROM commercekit.idempotency_records") == "live";
            },
            TimeSpan.FromSeconds(5),
            "the sweep deletes the expired records and only those");
    }
}
