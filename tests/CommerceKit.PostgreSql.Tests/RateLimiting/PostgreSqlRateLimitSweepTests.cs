using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.PostgreSql.Tests.RateLimiting;

/// <summary>PostgreSQL has no key expiry: the sweep deletes the rows of keys that can no longer affect a decision.</summary>
public sealed class PostgreSqlRateLimitSweepTests(PostgreSqlServerFixture postgres) : IClassFixture<PostgreSqlServerFixture>
{
    [Fact]
    public async Task The_sweep_deletes_expired_keys_with_their_log_entries_and_leases_and_keeps_live_ones()
    {
        await using var services = PostgreSqlTestServices.Create(postgres.ConnectionString);
        var provider = new ServiceCollection().AddLogging().AddCommerceKit().AddPostgreSql(o => o.ConnectionString = postgres.ConnectionString)
            .AddRateLimiting(limits => limits.UsePostgreSql()).Services.BuildServiceProvider();
        await using var _ = provider;
        var limiters = provider.GetRequiredService<IRateLimiterProvider>();
        var shortWindow = TimeSpan.FromMilliseconds(200);
        using (var lease = await limiters.CreateLimiter("gone-bucket", new TokenBucketPolicy(2, shortWindow)).AcquireAsync())
        using (var log = await limiters.CreateLimiter("gone-log", new SlidingWindowPolicy(2, shortWindow)).AcquireAsync())
        using (var live = await limiters.CreateLimiter("live-log", new SlidingWindowPolicy(2, TimeSpan.FromHours(1))).AcquireAsync())
        {
            Assert.True(lease.IsAcquired && log.IsAcquired && live.IsAcquired);
        }

        var database = services.Database();
        await Eventually.HoldsAsync(
            async () =>
            {
                await database.ScalarAsync<object>("SELECT commercekit.rate_limit_sweep(commercekit.rate_limit_now())");
                return await database.ScalarAsync<string>("SELECT string_agg(key, ',' ORDER BY key) FROM commercekit.rate_limit_counters") == "sw:live-log";
            },
            TimeSpan.FromSeconds(5),
            "the sweep deletes the expired keys and only those");

        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM commercekit.rate_limit_log"));
    }
}
