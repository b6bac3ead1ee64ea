using CommerceKit.ConformanceTests.Fixtures;
using StackExchange.Redis;

namespace CommerceKit.Redis.Tests.Locking;

/// <summary>The counter fencing tokens come from: it starts at the server's time, expires, and tokens outgrow its end.</summary>
public sealed class RedisLockFencingCounterTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly RedisLockingBackend _backend = new(redis.Configuration);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task The_first_token_is_at_least_the_servers_time_in_microseconds()
    {
        var startingLock = _backend.CreateProvider().CreateLock("starts-at-time");
        var before = await ServerMicrosecondsAsync(await DatabaseAsync());

        await using var handle = await startingLock.AcquireAsync(TimeSpan.Zero);

        Assert.True(handle.FencingToken >= before, $"{handle.FencingToken} should be at least {before}");
    }

    [Fact]
    public async Task The_counter_expires_within_its_retention_and_tokens_keep_growing_after_it_ends()
    {
        var counterLock = _backend.CreateProvider().CreateLock("retention");
        var database = await DatabaseAsync();
        var tokens = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            await using var handle = await counterLock.AcquireAsync(TimeSpan.Zero);
            tokens.Add(handle.FencingToken);
        }

        var lives = await database.KeyTimeToLiveAsync(_backend.FenceKey("retention"));
        Assert.NotNull(lives);
        Assert.InRange(lives.Value, TimeSpan.FromHours(23), TimeSpan.FromDays(1));

        // The retention ends.
        Assert.True(await database.KeyDeleteAsync(_backend.FenceKey("retention")));
        await using var after = await counterLock.AcquireAsync(TimeSpan.Zero);

        Assert.True(tokens[0] < tokens[1] && tokens[1] < tokens[2], string.Join(", ", tokens));
        Assert.True(after.FencingToken > tokens[2], $"{after.FencingToken} should exceed {tokens[2]}");
    }

    private static async Task<long> ServerMicrosecondsAsync(IDatabase database)
    {
        var time = (RedisResult[])(await database.ExecuteAsync("TIME"))!;
        return ((long)time[0] * 1_000_000) + (long)time[1];
    }

    private async Task<IDatabase> DatabaseAsync() => await _backend.Connection.GetDatabaseAsync(default);
}
