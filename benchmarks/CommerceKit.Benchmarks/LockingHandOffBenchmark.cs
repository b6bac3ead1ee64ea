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
/// back-off, RedLock.net retries every 10 ms (its waiting needs a retry interval; 10 ms favours it). Two yardstick
/// rows time one raw round trip (<c>PING</c>, <c>SELECT 1</c>) after the same 20 ms idle: a hand-off waits for such
/// a round trip, so its tail is not expected below theirs, on the same machine at the same time.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 10, iterationCount: 600, invocationCount: 1)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[Config(typeof(PercentilesConfig))]
public class LockingHandOffBenchmark
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private RawBackends _backends = null!;
    private Func<Task>? _rawRoundTrip;
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
        _backends = await RawBackends.StartAsync();
        _rawRoundTrip = Library switch
        {
            Contender.RawRedisPing => () => _backends.PingRedisAsync(),
            Contender.RawPostgresSelectOne => () => _backends.SelectOneAsync(),
            _ => null,
        };
        _multiplexers = [await ConnectionMultiplexer.ConnectAsync(_backends.Redis.Configuration), await ConnectionMultiplexer.ConnectAsync(_backends.Redis.Configuration)];
        _redLock = RedLockFactory.Create([new RedLockMultiplexer(_multiplexers[0])]);

        // Two acquirers on separate connections (two application instances) take turns holding the lock.
        if (_rawRoundTrip is null)
        {
            _acquirers = [Acquirer(0), Acquirer(1)];
            _held = await _acquirers[0]();
        }
    }

    [IterationSetup]
    public void StartWaiter()
    {
        if (_rawRoundTrip is null)
        {
            _turn ^= 1;
            _waiting = Task.Run(async () => await _acquirers[_turn]());
        }

        Thread.Sleep(20);
    }

    [Benchmark(Description = "hand-off")]
    public async Task HandOff()
    {
        if (_rawRoundTrip is not null)
        {
            await _rawRoundTrip();
            return;
        }

        await _held!.DisposeAsync();
        _held = await _waiting!;
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_held is not null)
        {
            await _held.DisposeAsync();
        }

        _redLock.Dispose();
        foreach (var services in _services)
        {
            await services.DisposeAsync();
        }

        foreach (var multiplexer in _multiplexers)
        {
            await multiplexer.DisposeAsync();
        }

        await _backends.DisposeAsync();
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
                    ? services.AddRedis(o => o.Configuration = _backends.Redis.Configuration).AddLocking(locking => locking.UseRedis())
                    : services.AddPostgreSql(o => o.ConnectionString = _backends.Postgres.ConnectionString).AddLocking(locking => locking.UsePostgreSql());
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
                var postgresLock = new PostgresDistributedLock(new PostgresAdvisoryLockKey(Name, allowHashing: true), _backends.Postgres.ConnectionString);
                return async () => await postgresLock.AcquireAsync(WaitLimit);
        }
    }

    public enum Contender
    {
        RawRedisPing,
        CommerceKitRedis,
        DistributedLockRedis,
        RedLockNet,
        RawPostgresSelectOne,
        CommerceKitPostgreSql,
        DistributedLockPostgres,
    }
}
