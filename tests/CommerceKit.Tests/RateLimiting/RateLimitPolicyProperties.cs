using System.Threading.RateLimiting;
using CommerceKit.RateLimiting;
using CommerceKit.RateLimiting.InMemory;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;

namespace CommerceKit.Tests.RateLimiting;

/// <summary>
/// The limiter against each policy's definition, for random arrivals and weights: admitted permits never exceed the
/// policy in any window, the windowed policies reject only when the policy is full, and a rejection's RetryAfter is
/// never earlier than the first moment the policy could admit the request.
/// </summary>
public sealed class RateLimitPolicyProperties
{
    private static readonly Arbitrary<Scenario> Scenarios =
        (from algorithm in Gen.Elements("token-bucket", "fixed-window", "sliding-window")
         from limit in Gen.Choose(1, 10)
         from windowMilliseconds in Gen.Choose(10, 1000)
         from arrivals in (from gapMicroseconds in Gen.Choose(0, windowMilliseconds * 400)
                           from permits in Gen.Choose(1, limit)
                           select new Arrival(gapMicroseconds, permits)).ArrayOf()
         select new Scenario(algorithm, limit, windowMilliseconds * 1000L, arrivals))
        .ToArbitrary();

    [Property(MaxTest = 500)]
    public Property Admissions_stay_within_the_policy_and_retry_after_is_never_early() =>
        Prop.ForAll(Scenarios, scenario => Run(scenario) is not { } broken ? true.ToProperty() : false.Label(broken));

    private static string? Run(Scenario scenario)
    {
        var time = new FakeTimeProvider();
        var (algorithm, limit, window, arrivals) = scenario;
        RateLimitPolicy policy = algorithm switch
        {
            "token-bucket" => new TokenBucketPolicy(limit, TimeSpan.FromTicks(window * 10)),
            "fixed-window" => new FixedWindowPolicy(limit, TimeSpan.FromTicks(window * 10)),
            _ => new SlidingWindowPolicy(limit, TimeSpan.FromTicks(window * 10)),
        };
        using var limiter = new RateLimiterProvider(new InMemoryRateLimitStore(time), time).CreateLimiter("key", policy);
        var grants = new List<(long At, int Permits)>();

        for (var i = 0; i < arrivals.Length; i++)
        {
            time.Advance(TimeSpan.FromTicks(arrivals[i].GapMicroseconds * 10L));
            var now = time.GetTimestamp() / 10;
            var permits = arrivals[i].Permits;
            var next = NextAdmissible(algorithm, limit, window, grants, now, permits);
            using var lease = limiter.AttemptAcquire(permits);
            if (lease.IsAcquired)
            {
                if (algorithm != "token-bucket" && next > now)
                {
                    return $"arrival {i}: admitted {permits} at {now} though the {algorithm} is full until {next}";
                }

                grants.Add((now, permits));
                if (Overflow(algorithm, limit, window, grants) is { } overflow)
                {
                    return $"arrival {i}: {overflow}";
                }
            }
            else
            {
                lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
                if (algorithm != "token-bucket" && next <= now)
                {
                    return $"arrival {i}: rejected {permits} at {now} though the {algorithm} had room";
                }

                if (now + (retryAfter.Ticks / 10) < next - 1)
                {
                    return $"arrival {i}: retry after {retryAfter} at {now}, but nothing is admissible before {next}";
                }
            }
        }

        return null;
    }

    /// <summary>The first moment (µs) the policy's definition admits <paramref name="permits"/> after these grants.</summary>
    private static long NextAdmissible(string algorithm, int limit, long window, List<(long At, int Permits)> grants, long now, int permits)
    {
        switch (algorithm)
        {
            case "token-bucket":
                // At most limit + (s - t) / interval permits in any span [t, s]: each earlier grant bounds s from below.
                // Offsets from now keep the doubles exact (timestamps in µs are beyond a double's integer range).
                var interval = (double)window / limit;
                var earliest = 0d;
                long since = 0;
                for (var i = grants.Count - 1; i >= 0; i--)
                {
                    since += grants[i].Permits;
                    earliest = Math.Max(earliest, grants[i].At - now + ((since + permits - limit) * interval));
                }

                return now + (long)Math.Ceiling(earliest - 1e-6);
            case "fixed-window":
                var start = now - (now % window);
                var inWindow = grants.Where(g => g.At >= start).Sum(g => g.Permits);
                return inWindow + permits <= limit ? now : start + window;
            default:
                var live = grants.Where(g => g.At > now - window).ToList();
                var needed = live.Sum(g => g.Permits) + permits - limit;
                foreach (var (at, granted) in live)
                {
                    if (needed <= 0)
                    {
                        break;
                    }

                    needed -= granted;
                    now = at + window;
                }

                return now;
        }
    }

    /// <summary>A window in which the grants exceed the policy, if any.</summary>
    private static string? Overflow(string algorithm, int limit, long window, List<(long At, int Permits)> grants)
    {
        var last = grants[^1].At;
        for (var i = 0; i < grants.Count; i++)
        {
            var from = grants[i].At;
            var sum = grants.Where(g => g.At >= from && g.At <= last).Sum(g => g.Permits);
            var allowed = algorithm switch
            {
                "token-bucket" => limit + ((last - from) * (double)limit / window),  // last - from is small: exact
                "fixed-window" when from - (from % window) == last - (last % window) => limit,
                "sliding-window" when last - from < window => limit,
                _ => double.MaxValue,
            };
            if (sum > allowed + 1e-9)
            {
                return $"{sum} permits granted in [{from}, {last}] where the {algorithm} allows {allowed}";
            }
        }

        return null;
    }

    private sealed record Arrival(int GapMicroseconds, int Permits);

    private sealed record Scenario(string Algorithm, int Limit, long Window, Arrival[] Arrivals)
    {
        public override string ToString() => $"{Algorithm} {Limit} per {Window} µs: {string.Join(", ", Arrivals.Select(a => $"+{a.GapMicroseconds}µs×{a.Permits}"))}";
    }
}
