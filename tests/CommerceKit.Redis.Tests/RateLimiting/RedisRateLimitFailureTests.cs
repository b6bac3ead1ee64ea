using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using CommerceKit.RateLimiting;
using CommerceKit.TestServers;

namespace CommerceKit.Redis.Tests.RateLimiting;

/// <summary>The failure policy with redis-server stopped. Each test starts its own server, because it kills it.</summary>
// It counts the process's rate-limit decisions by outcome: run alone, so that other tests' outages add none.
[Collection(RateLimitDecisionCounting.Name)]
public sealed class RedisRateLimitFailureTests
{
    [Fact]
    public async Task With_redis_down_fail_open_admits_and_counts_and_fail_closed_rejects_with_its_own_reason()
    {
        await using var server = await RedisServer.StartAsync();
        await using var backend = new RedisRateLimitingBackend(server.Configuration);
        var provider = backend.CreateProvider();
        using var open = provider.CreateLimiter("open", new TokenBucketPolicy(1, TimeSpan.FromHours(1)));
        using var closed = provider.CreateLimiter("closed", new TokenBucketPolicy(1, TimeSpan.FromHours(1)) { FailureMode = RateLimitFailureMode.FailClosed });
        using var usedUp = await open.AcquireAsync();
        using var decisions = new DecisionCounter();

        server.Kill();
        using var admitted = await open.AcquireAsync();
        using var rejected = await closed.AcquireAsync();

        Assert.True(admitted.IsAcquired);
        Assert.True(admitted.TryGetMetadata(MetadataName.ReasonPhrase, out var openReason));
        Assert.Equal(RateLimitReasons.BackendUnavailable, openReason);
        Assert.False(rejected.IsAcquired);
        Assert.True(rejected.TryGetMetadata(MetadataName.ReasonPhrase, out var closedReason));
        Assert.Equal(RateLimitReasons.BackendUnavailable, closedReason);
        Assert.True(rejected.TryGetMetadata(MetadataName.RetryAfter, out _));
        Assert.Equal(1, decisions.Count("failed_open"));
        Assert.Equal(1, decisions.Count("failed_closed"));
        Assert.True(decisions.TimedDecisions >= 2, "both remote decisions are timed (tests running beside this one may add theirs)");
    }

    /// <summary>Listens to <c>commercekit.ratelimit.decisions</c> by outcome, and counts timed remote decisions.</summary>
    private sealed class DecisionCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _byOutcome = [];
        private int _timed;

        public int TimedDecisions => Volatile.Read(ref _timed);

        public DecisionCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name is "commercekit.ratelimit.decisions" or "commercekit.ratelimit.decision.duration")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _timed));
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "commercekit.ratelimit.outcome")
                    {
                        lock (_byOutcome)
                        {
                            _byOutcome[(string)tag.Value!] = _byOutcome.GetValueOrDefault((string)tag.Value!) + value;
                        }
                    }
                }
            });
            _listener.Start();
        }

        public long Count(string outcome)
        {
            lock (_byOutcome)
            {
                return _byOutcome.GetValueOrDefault(outcome);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}

/// <summary>Tests that count every rate-limit decision of the process run after the others, not beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RateLimitDecisionCounting
{
    public const string Name = "rate-limit decision counting";
}
