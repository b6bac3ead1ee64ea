using BenchmarkDotNet.Attributes;
using CommerceKit.Inventory;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CommerceKit.Benchmarks;

/// <summary>
/// One hot SKU, 64 concurrent callers each reserving one unit: Redis beside a raw <c>EVALSHA</c> of a script doing the
/// same work, and PostgreSQL with reservations coalesced into shared transactions, and with one transaction each,
/// beside 64 raw hot-row updates. A row is the time of all 64 together.
/// </summary>
[MemoryDiagnoser]
[SimpleJob]
public class InventoryHotSkuBenchmark
{
    private const int Callers = 64;
    private const string Sku = "HOT-1";

    private readonly Task[] _calls = new Task[Callers];
    private RawBackends _backends = null!;
    private ServiceProvider _coalescedServices = null!;
    private ServiceProvider _naiveServices = null!;
    private ServiceProvider _redisServices = null!;
    private IInventory _redis = null!;
    private byte[] _rawScript = null!;
    private IInventory _coalesced = null!;
    private IInventory _naive = null!;
    private long _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _backends = await RawBackends.StartAsync();
        _coalescedServices = Services(coalesce: true);
        _naiveServices = Services(coalesce: false);
        _coalesced = _coalescedServices.GetRequiredService<IInventory>();
        _naive = _naiveServices.GetRequiredService<IInventory>();
        _redisServices = new ServiceCollection().AddCommerceKit()
            .AddRedis(o => o.Configuration = _backends.Redis.Configuration).AddInventory(inventory => inventory.UseRedis())
            .Services.BuildServiceProvider();
        _redis = _redisServices.GetRequiredService<IInventory>();
        await _redis.SetStockAsync(Sku, 1_000_000_000_000);
        await _backends.Database.HashSetAsync("raw:{HOT-1}:stock", "on", 1_000_000_000_000);
        _rawScript = Convert.FromHexString((string)(await _backends.Database.ExecuteAsync("SCRIPT", "LOAD", RawReserveScript))!);

        // Enough stock that no run sells out; holds last an hour, so none expires while measuring.
        await _coalesced.SetStockAsync(Sku, 1_000_000_000_000);
        await using var command = _backends.DataSource.CreateCommand("CREATE TABLE hot_stock (sku text PRIMARY KEY, reserved bigint NOT NULL); INSERT INTO hot_stock VALUES ('HOT-1', 0)");
        await command.ExecuteNonQueryAsync();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _coalescedServices.DisposeAsync();
        await _naiveServices.DisposeAsync();
        await _redisServices.DisposeAsync();
        await _backends.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "raw hot-row UPDATE, 64 callers")]
    public Task RawHotRowUpdates()
    {
        for (var i = 0; i < Callers; i++)
        {
            _calls[i] = UpdateAsync();
        }

        return Task.WhenAll(_calls);

        async Task UpdateAsync()
        {
            await using var command = _backends.DataSource.CreateCommand("UPDATE hot_stock SET reserved = reserved + 1 WHERE sku = 'HOT-1'");
            await command.ExecuteNonQueryAsync();
        }
    }

    [Benchmark(Description = "raw Redis EVALSHA of an equivalent script, 64 callers")]
    public Task RawRedisScript()
    {
        for (var i = 0; i < Callers; i++)
        {
            _calls[i] = EvaluateAsync("raw-" + Interlocked.Increment(ref _next));
        }

        return Task.WhenAll(_calls);

        async Task EvaluateAsync(string id)
        {
            var answer = (long)await _backends.Database.ScriptEvaluateAsync(_rawScript, ["raw:" + id, "raw:{HOT-1}:stock", "raw:{HOT-1}:due"], [id, 3_600_000]);
            if (answer != 1)
            {
                throw new InvalidOperationException("Not reserved.");
            }
        }
    }

    [Benchmark(Description = "CommerceKit Redis, 64 callers")]
    public Task Redis() => ReserveAll(_redis);

    [Benchmark(Description = "CommerceKit PostgreSQL, coalesced, 64 callers")]
    public Task Coalesced() => ReserveAll(_coalesced);

    [Benchmark(Description = "CommerceKit PostgreSQL, one commit each, 64 callers")]
    public Task OneCommitEach() => ReserveAll(_naive);

    private Task ReserveAll(IInventory inventory)
    {
        for (var i = 0; i < Callers; i++)
        {
            _calls[i] = ReserveAsync(inventory, "r-" + Interlocked.Increment(ref _next));
        }

        return Task.WhenAll(_calls);
    }

    private static async Task ReserveAsync(IInventory inventory, string id)
    {
        var result = await inventory.ReserveAsync(new ReservationRequest(id, [new ReservationLine(Sku, 1)], TimeSpan.FromHours(1)));
        if (!result.IsReserved)
        {
            throw new InvalidOperationException($"Not reserved: {result.Outcome}.");
        }
    }

    // The work of a one-line reservation, nothing more: refuse a known id, check and hold the stock, write the
    // reservation with its expiry, schedule its deadline. (Run on a single server, so the keys need no common slot.)
    private const string RawReserveScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        local stock = redis.call('HMGET', KEYS[2], 'on', 'res')
        if tonumber(stock[1] or '0') - tonumber(stock[2] or '0') < 1 then return 0 end
        redis.call('HINCRBY', KEYS[2], 'res', 1)
        redis.call('HSET', KEYS[2], 'h:' .. ARGV[1], 1)
        local t = redis.call('TIME')
        local expires = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[2])
        redis.call('HSET', KEYS[1], 'st', 1, 'exp', expires)
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        redis.call('ZADD', KEYS[3], expires, ARGV[1])
        return 1
        """;

    private ServiceProvider Services(bool coalesce) =>
        new ServiceCollection().AddCommerceKit()
            .AddPostgreSql(o => o.ConnectionString = _backends.Postgres.ConnectionString)
            .AddInventory(inventory => inventory.UsePostgreSql(o => o.CoalesceReservations = coalesce))
            .Services.BuildServiceProvider();
}
