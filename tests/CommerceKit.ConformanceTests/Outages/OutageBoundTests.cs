using System.Diagnostics;
using System.Threading.RateLimiting;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Idempotency;
using CommerceKit.Inventory;
using CommerceKit.Locking;
using CommerceKit.RateLimiting;
using CommerceKit.TestServers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommerceKit.ConformanceTests.Outages;

/// <summary>
/// Outages fail fast: with the server SIGKILLed under traffic, or never up, every concurrent caller of every feature
/// gets <see cref="BackendUnavailableException"/> (the rate limiter its failure-policy answer) within the backend's
/// operation timeout plus a second, and after a restart calls succeed again without a new connection being made by
/// hand. Subclassed once per backend; each test runs its own server, because it kills it.
/// </summary>
public abstract class OutageBoundTests
{
    private const int Callers = 64;
    private const int Cycles = 10;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Bound = Timeout + TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(30);
    private static readonly TokenBucketPolicy Generous = new(1_000_000, TimeSpan.FromSeconds(1));

    /// <summary>Starts a server of this backend on a free loopback port.</summary>
    protected abstract Task<LocalServer> StartServerAsync();

    /// <summary>The connection to <paramref name="server"/> (or to a port nobody listens on) with <paramref name="timeout"/>.</summary>
    protected abstract void AddConnection(ICommerceKitBuilder commerceKit, LocalServer? server, int port, TimeSpan timeout);

    /// <summary>Locking, rate limiting, idempotency and inventory on this backend, and its health check.</summary>
    protected abstract void UseBackend(ICommerceKitBuilder commerceKit);

    [Fact]
    public async Task Every_caller_fails_within_the_bound_when_the_server_is_killed_and_succeeds_after_its_restart_ten_times()
    {
        await using var server = await StartServerAsync();
        await using var services = CreateServices(server, server.Port);
        var features = new Features(services);
        await features.CallAllAsync();

        for (var cycle = 0; cycle < Cycles; cycle++)
        {
            server.Kill();
            var slowest = await AllFailWithinBoundAsync(features, $"cycle {cycle}, server killed");
            await HealthIsUnhealthyWithinBoundAsync(services, $"cycle {cycle}, server killed");

            await server.RestartAsync();
            await Eventually.BackendServesAsync(features.CallAllAsync, RecoveryDeadline);
            Assert.True(slowest <= Bound, $"cycle {cycle}: the slowest caller took {slowest}");
        }
    }

    [Fact]
    public async Task Every_caller_fails_within_the_bound_against_a_server_that_was_never_up_ten_times()
    {
        for (var round = 0; round < Cycles; round++)
        {
            await using var services = CreateServices(server: null, FreePorts.Next());

            var slowest = await AllFailWithinBoundAsync(new Features(services), $"round {round}, no server");
            await HealthIsUnhealthyWithinBoundAsync(services, $"round {round}, no server");

            Assert.True(slowest <= Bound, $"round {round}: the slowest caller took {slowest}");
        }
    }

    // 64 callers at once, spread over the features; each must answer within the bound, and never succeed.
    private static async Task<TimeSpan> AllFailWithinBoundAsync(Features features, string when)
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, Callers).Select(async caller =>
        {
            await Task.Yield();
            var clock = Stopwatch.StartNew();
            var failure = await features.CallOneAsync(caller);
            return (Took: clock.Elapsed, Failure: failure);
        }));

        Assert.All(answers, answer => Assert.True(answer.Failure is null, $"{when}: {answer.Failure}"));
        var slowest = answers.Max(answer => answer.Took);
        Assert.True(slowest <= Bound, $"{when}: a caller took {slowest}, more than {Bound}");
        return slowest;
    }

    private static async Task HealthIsUnhealthyWithinBoundAsync(IServiceProvider services, string when)
    {
        var clock = Stopwatch.StartNew();
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.True(clock.Elapsed <= Bound, $"{when}: the health check took {clock.Elapsed}");
    }

    private ServiceProvider CreateServices(LocalServer? server, int port)
    {
        var collection = new ServiceCollection().AddLogging();
        var commerceKit = collection.AddCommerceKit();
        AddConnection(commerceKit, server, port, Timeout);
        UseBackend(commerceKit);
        return collection.BuildServiceProvider();
    }

    /// <summary>One call of each feature, by caller number.</summary>
    private sealed class Features(IServiceProvider services)
    {
        private readonly IInventory _inventory = services.GetRequiredService<IInventory>();
        private readonly IDistributedLockProvider _locks = services.GetRequiredService<IDistributedLockProvider>();
        private readonly IIdempotencyExecutor _idempotency = services.GetRequiredService<IIdempotencyExecutor>();
        private readonly RateLimiter _limiter = services.GetRequiredService<IRateLimiterProvider>().CreateLimiter("outage", Generous);
        private readonly string _run = Guid.NewGuid().ToString("N")[..8];

        public async Task CallAllAsync()
        {
            await _inventory.GetStockAsync("sku-" + _run);
            await using (await _locks.CreateLock("lock-" + _run).AcquireAsync(TimeSpan.FromSeconds(5)))
            {
            }

            await _idempotency.ExecuteAsync(new IdempotencyKey("outage", Guid.NewGuid().ToString("N")), "fp", (_, _) => Task.FromResult(1));
            using var lease = await _limiter.AcquireAsync();
            if (lease.TryGetMetadata(MetadataName.ReasonPhrase, out var reason))
            {
                // After failures the limiter's breaker answers by the failure policy for a second without asking:
                // not served yet, so the recovery wait goes on.
                throw new BackendUnavailableException("limiter", $"the limiter still answers by its failure policy ({reason})", null);
            }
        }

        /// <summary>Calls one feature while its backend is down; returns what was wrong with the answer, if anything.</summary>
        public async Task<string?> CallOneAsync(int caller)
        {
            try
            {
                switch (caller % 4)
                {
                    case 0:
                        await _inventory.GetStockAsync($"sku-{_run}-{caller}");
                        return "inventory answered while its backend was down";
                    case 1:
                        await _locks.CreateLock($"lock-{_run}-{caller}").TryAcquireAsync(TimeSpan.FromSeconds(30));
                        return "a lock was answered while its backend was down";
                    case 2:
                        await _idempotency.ExecuteAsync(new IdempotencyKey("outage", $"{_run}-{caller}"), "fp", (_, _) => Task.FromResult(1));
                        return "idempotency ran the operation while its backend was down";
                    default:
                        using (var lease = await _limiter.AcquireAsync())
                        {
                            return lease.TryGetMetadata(MetadataName.ReasonPhrase, out var reason) && reason == RateLimitReasons.BackendUnavailable
                                ? null
                                : "the limiter decided without its backend and without saying so";
                        }
                }
            }
            catch (BackendUnavailableException)
            {
                return null;
            }
            catch (Exception exception)
            {
                return $"caller {caller}: {exception.GetType().Name}: {exception.Message}";
            }
        }
    }
}
