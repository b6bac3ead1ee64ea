using BenchmarkDotNet.Attributes;
using CommerceKit.Inventory;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Benchmarks;

/// <summary>
/// One hot SKU, 64 concurrent callers each reserving one unit: PostgreSQL with reservations coalesced into shared
/// transactions, and with one transaction each, beside 64 raw hot-row updates. A row is the time of all 64 together.
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

    private ServiceProvider Services(bool coalesce) =>
        new ServiceCollection().AddCommerceKit()
            .AddPostgreSql(o => o.ConnectionString = _backends.Postgres.ConnectionString)
            .AddPostgreSqlInventory(configurePostgreSql: o => o.CoalesceReservations = coalesce)
            .Services.BuildServiceProvider();
}
