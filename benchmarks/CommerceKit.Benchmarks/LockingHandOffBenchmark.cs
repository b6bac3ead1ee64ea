using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using CommerceKit.Locking;
using IDistributedLockProvider = CommerceKit.Locking.IDistributedLockProvider;
using Medallion.Threading.Postgres;
using Medallion.Threading.Redis;
using Microsoft.Extensions.DependencyInjection;
using RedLockNet.SERedis;
using RedLockNet.SERedis.Configuration;
using StackExchange.Redis;

namespace CommerceKit.Benchmarks;

/// <summary>
/// Contended hand-off: the time from a holder starting its release until a waiter on another connection holds the
/// lock. One hand-off per iteration (the waiter starts waiting in the unmeasured iteration setup), so the
/// percentiles are those of single hand-offs. Peers wait their own way: DistributedLock polls with its default
/// back-off, RedLock.net retries every 10 ms (its waiting needs a retry interval; 10 ms favours it).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 10, iterationCount: 600, invocationCount: 1)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[Config(typeof(Percentiles))]
public class LockingHandOffBenchmark
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private BenchmarkRedis _redis = null!;
    private BenchmarkPostgres _postgres = null!;
    private ConnectionMultiplexer[] _multiplexers = null!;
    private readonly List<ServiceProvider> _services = [];
    private RedLockFactory _redLock = null!;
    private Func<ValueTask<IAsyncDisposable>>[] _acquirers = null!;
    private IAsyncDisposable? _held;
    private Task<IAsyncDisposable>? _waiting;
    private int _turn;

    [ParamsAllValues]
    public Contender Library { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _redis = await BenchmarkRedis.StartAsync();
        _postgres = await BenchmarkPostgres.StartAsync();
        _multiplexers = [await ConnectionMultiplexer.ConnectAsync(_redis.Configuration), await ConnectionMultiplexer.ConnectAsync(_redis.Configuration)];
        _redLock = RedLockFactory.Create([new RedLockMultiplexer(_multiplexers[0])]);

        // Two acquirers on separate connections (two application instances) take turns holding the lock.
        _acquirers = [Acquirer(0), Acquirer(1)];
        _held = await _acquirers[0]();
    }

    [IterationSetup]
    public void StartWaiter()
    {
        _turn ^= 1;
        _waiting = Task.Run(async () => await _acquirers[_turn]());
        Thread.Sleep(20);
    }

    [Benchmark(Description = "hand-off")]
    public async Task HandOff()
    {
        await _held!.DisposeAsync();
        _held = await _waiting!;
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _held!.DisposeAsync();
        _redLock.Dispose();
        foreach (var services in _services)
        {
            await services.DisposeAsync();
        }

        foreach (var multiplexer in _multiplexers)
        {
            await multiplexer.DisposeAsync();
        }

        await _postgres.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private Func<ValueTask<IAsyncDisposable>> Acquirer(int instance)
    {
        const string Name = "bench-handoff";
        switch (Library)
        {
            case Contender.CommerceKitRedis:
            case Contender.CommerceKitPostgreSql:
                var services = new ServiceCollection().AddCommerceKit();
                _ = Library == Contender.CommerceKitRedis
                    ? services.AddRedis(o => o.Configuration = _redis.Configuration).AddRedisLocks()
                    : services.AddPostgreSql(o => o.ConnectionString = _postgres.ConnectionString).AddPostgreSqlLocks();
                var provider = services.Services.BuildServiceProvider();
                _services.Add(provider);
                var commerceKitLock = provider.GetRequiredService<IDistributedLockProvider>().CreateLock(Name);
                return async () => await commerceKitLock.AcquireAsync(WaitLimit);
            case Contender.DistributedLockRedis:
                var medallionLock = new RedisDistributedLock(Name, _multiplexers[instance].GetDatabase());
                return async () => await medallionLock.AcquireAsync(WaitLimit);
            case Contender.RedLockNet:
                var factory = instance == 0 ? _redLock : RedLockFactory.Create([new RedLockMultiplexer(_multiplexers[1])]);
                return async () =>
                {
                    var redLock = await factory.CreateLockAsync(Name, TimeSpan.FromSeconds(30), WaitLimit, TimeSpan.FromMilliseconds(10));
                    return redLock.IsAcquired ? redLock : throw new TimeoutException("RedLock.net did not acquire");
                };
            default:
                var postgresLock = new PostgresDistributedLock(new PostgresAdvisoryLockKey(Name, allowHashing: true), _postgres.ConnectionString);
                return async () => await postgresLock.AcquireAsync(WaitLimit);
        }
    }

    public enum Contender
    {
        CommerceKitRedis,
        DistributedLockRedis,
        RedLockNet,
        CommerceKitPostgreSql,
        DistributedLockPostgres,
    }

    private sealed class Percentiles : ManualConfig
    {
        public Percentiles() => AddColumn(BenchmarkDotNet.Columns.StatisticColumn.P50, BenchmarkDotNet.Columns.StatisticColumn.P95, new P99Column());
    }
}
