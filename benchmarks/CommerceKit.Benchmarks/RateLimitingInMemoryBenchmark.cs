using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using CommerceKit.RateLimiting;
using CommerceKit.RateLimiting.InMemory;

namespace CommerceKit.Benchmarks;

/// <summary>
/// One in-memory decision (a granted permit, the lease disposed) against .NET's own TokenBucketRateLimiter, from one
/// thread and from two threads at once on one limiter (the machine has two cores). Both buckets are large enough never
/// to run dry, so every call takes the granted path.
/// </summary>
[MemoryDiagnoser]
public class RateLimitingInMemoryBenchmark
{
    private TokenBucketRateLimiter _dotnet = null!;
    private RateLimiter _commerceKit = null!;

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
        _commerceKit = new RateLimiterProvider(new InMemoryRateLimitStore(TimeProvider.System), TimeProvider.System)
            .CreateLimiter("bench", new TokenBucketPolicy(int.MaxValue, TimeSpan.FromSeconds(1)));
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
        return lease.IsAcquired;
    }

    [Benchmark(Description = "CommerceKit in-memory AcquireAsync")]
    public async ValueTask<bool> CommerceKitAcquireAsync()
    {
        using var lease = await _commerceKit.AcquireAsync();
        return lease.IsAcquired;
    }

    [Benchmark(OperationsPerInvoke = 2 * DecisionsPerThread, Description = "TokenBucketRateLimiter, 2 threads")]
    public void DotNetContended() => OnTwoThreads(_dotnet);

    [Benchmark(OperationsPerInvoke = 2 * DecisionsPerThread, Description = "CommerceKit in-memory, 2 threads")]
    public void CommerceKitContended() => OnTwoThreads(_commerceKit);

    private static void OnTwoThreads(RateLimiter limiter) =>
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, _ =>
        {
            for (var i = 0; i < DecisionsPerThread; i++)
            {
                using var lease = limiter.AttemptAcquire();
            }
        });
}
