using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using CommerceKit.RateLimiting;
using CommerceKit.RateLimiting.InMemory;

namespace CommerceKit.Benchmarks;

/// <summary>
/// One in-memory decision (a granted permit, the lease disposed) against .NET's own TokenBucketRateLimiter, from one
/// thread and from two threads at once on one limiter (the machine has two cores). Every measured call is a grant: .NET's
/// bucket refills int.MaxValue tokens a second, and CommerceKit's, which can refill at most one permit a microsecond,
/// holds int.MaxValue permits and is swapped for a fresh key on the one call in about two billion that finds it empty.
/// </summary>
[MemoryDiagnoser]
public class RateLimitingInMemoryBenchmark
{
    private static readonly TokenBucketPolicy LargestBucket = new(int.MaxValue, TimeSpan.FromSeconds(1));

    private TokenBucketRateLimiter _dotnet = null!;
    private RateLimiterProvider _provider = null!;
    private RateLimiter _commerceKit = null!;
    private int _buckets;

    [GlobalSetup]
    public void Setup()
    {
        _dotnet = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = int.MaxValue,
            TokensPerPeriod = int.MaxValue,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            AutoReplenishment = true,
        });
        _provider = new RateLimiterProvider(new InMemoryRateLimitStore(TimeProvider.System), TimeProvider.System);
        _commerceKit = _provider.CreateLimiter("bench", LargestBucket);
    }

    // Returns false, the granted flag of the call that found the bucket empty.
    private bool NewBucket()
    {
        Replace(_commerceKit);
        return false;
    }

    private RateLimiter Replace(RateLimiter empty)
    {
        lock (_provider)
        {
            if (_commerceKit == empty)
            {
                _commerceKit = _provider.CreateLimiter($"bench-{++_buckets}", LargestBucket);
            }

            return _commerceKit;
        }
    }

    private const int DecisionsPerThread = 10_000;

    [GlobalCleanup]
    public void Cleanup()
    {
        _dotnet.Dispose();
        _commerceKit.Dispose();
    }

    [Benchmark(Baseline = true, Description = "TokenBucketRateLimiter.AttemptAcquire")]
    public bool DotNetAttempt()
    {
        using var lease = _dotnet.AttemptAcquire();
        return lease.IsAcquired;
    }

    /// <summary>The clock read every exact decision needs (TokenBucketRateLimiter refills on a timer instead).</summary>
    [Benchmark(Description = "clock read alone (TimeProvider.System.GetTimestamp)")]
    public long ClockRead() => TimeProvider.System.GetTimestamp();

    [Benchmark(Description = "CommerceKit in-memory AttemptAcquire")]
    public bool CommerceKitAttempt()
    {
        using var lease = _commerceKit.AttemptAcquire();
        return lease.IsAcquired || NewBucket();
    }

    [Benchmark(Description = "CommerceKit in-memory AcquireAsync")]
    public async ValueTask<bool> CommerceKitAcquireAsync()
    {
        using var lease = await _commerceKit.AcquireAsync();
        return lease.IsAcquired || NewBucket();
    }

    [Benchmark(OperationsPerInvoke = 2 * DecisionsPerThread, Description = "TokenBucketRateLimiter, 2 threads")]
    public void DotNetContended() => OnTwoThreads(_dotnet, _ => throw new InvalidOperationException("The .NET bucket ran dry."));

    [Benchmark(OperationsPerInvoke = 2 * DecisionsPerThread, Description = "CommerceKit in-memory, 2 threads")]
    public void CommerceKitContended() => OnTwoThreads(_commerceKit, Replace);

    private static void OnTwoThreads(RateLimiter limiter, Func<RateLimiter, RateLimiter> replaceEmpty) =>
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, _ =>
        {
            for (var i = 0; i < DecisionsPerThread; i++)
            {
                using var lease = limiter.AttemptAcquire();
                if (!lease.IsAcquired)
                {
                    limiter = replaceEmpty(limiter);
                }
            }
        });
}
