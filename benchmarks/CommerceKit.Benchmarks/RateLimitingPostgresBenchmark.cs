using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using CommerceKit.PostgreSql.RateLimiting;
using CommerceKit.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommerceKit.Benchmarks;

/// <summary>
/// One PostgreSQL rate-limit decision (the token-bucket function on one hot key) from one caller, beside a raw
/// <c>SELECT 1</c> and the same function called raw, both through a plain Npgsql data source (each call rents a
/// pooled connection, as an application's statements do). PostgreSQL only, so not <see cref="RawBackends"/>; the raw
/// data source auto-prepares like CommerceKit's, so the raw call differs from CommerceKit's by the connection alone.
/// </summary>
[MemoryDiagnoser]
public class RateLimitingPostgresBenchmark
{
    private const string Schema = "commercekit";

    private BenchmarkPostgres _postgres = null!;
    private NpgsqlDataSource _dataSource = null!;
    private ServiceProvider _services = null!;
    private RateLimiter _limiter = null!;
    private string _rawDecision = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _postgres = await BenchmarkPostgres.StartAsync();
        _dataSource = NpgsqlDataSource.Create(_postgres.ConnectionString + ";Max Auto Prepare=32;Auto Prepare Min Usages=2");
        _services = new ServiceCollection().AddCommerceKit()
            .AddPostgreSql(o => { o.ConnectionString = _postgres.ConnectionString; o.Schema = Schema; }).AddRateLimiting(limits => limits.UsePostgreSql())
            .Services.BuildServiceProvider();
        _limiter = _services.GetRequiredService<IRateLimiterProvider>().CreateLimiter("bench-hot", new TokenBucketPolicy(1_000_000, TimeSpan.FromSeconds(1)));
        _rawDecision = new RateLimitingSql(Schema).TokenBucket;

        // First use creates the schema: not part of what is measured.
        await Decision();
        await RawDecision();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _limiter.Dispose();
        await _services.DisposeAsync();
        await _dataSource.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "raw PostgreSQL round trip (SELECT 1)")]
    public async Task<object?> RawRoundTrip()
    {
        await using var command = _dataSource.CreateCommand("SELECT 1");
        return await command.ExecuteScalarAsync();
    }

    [Benchmark(Description = "raw call of the token-bucket function")]
    public async Task<object?> RawDecision()
    {
        await using var command = _dataSource.CreateCommand(_rawDecision);
        command.Parameters.Add(new NpgsqlParameter { Value = "tb:bench-raw" });
        command.Parameters.Add(new NpgsqlParameter { Value = 1L });
        command.Parameters.Add(new NpgsqlParameter { Value = 1_000_000 });
        command.Parameters.Add(new NpgsqlParameter { Value = 1 });
        return await command.ExecuteScalarAsync();
    }

    [Benchmark(Description = "CommerceKit PostgreSQL decision")]
    public async Task Decision()
    {
        using var lease = await _limiter.AcquireAsync();
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException("The hot key ran dry: the policy must outpace the benchmark.");
        }
    }
}
