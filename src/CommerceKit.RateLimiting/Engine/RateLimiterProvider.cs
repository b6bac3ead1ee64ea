using System.Threading.RateLimiting;
using CommerceKit.RateLimiting.Engine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommerceKit.RateLimiting;

/// <summary>
/// The engine behind <see cref="IRateLimiterProvider"/>, the same for every backend: leases with metadata,
/// queueing, the failure policy, concurrency-lease renewal and telemetry, over a <see cref="RateLimitStore"/>.
/// </summary>
internal sealed class RateLimiterProvider : IRateLimiterProvider
{
    private const int MaxKeyLength = 512;

    /// <summary>Creates the provider.</summary>
    /// <param name="store">The backend.</param>
    /// <param name="timeProvider">The clock for waiting and renewal (decisions use the backend's clock).</param>
    /// <param name="loggerFactory">Logs failures; none when <see langword="null"/>.</param>
    public RateLimiterProvider(RateLimitStore store, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Store = store;
        TimeProvider = timeProvider;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("CommerceKit.RateLimiting");
        Breaker = new BackendBreaker(timeProvider, () => RateLimitLog.BreakerOpened(Logger, store.BackendName, BackendBreaker.BreakDuration));
    }

    /// <inheritdoc/>
    public string BackendName => Store.BackendName;

    internal RateLimitStore Store { get; }

    internal TimeProvider TimeProvider { get; }

    internal ILogger Logger { get; }

    /// <summary>Answers by the failure policy at once while the backend keeps failing.</summary>
    internal BackendBreaker Breaker { get; }

    /// <inheritdoc/>
    public RateLimiter CreateLimiter(string key, RateLimitPolicy policy)
    {
        KeyGuard.ThrowIfInvalid(key, maxLength: MaxKeyLength);
        ArgumentNullException.ThrowIfNull(policy);
        return policy is ConcurrencyPolicy concurrency
            ? new DistributedConcurrencyLimiter(this, key, concurrency)
            : new DistributedRateLimiter(this, key, policy);
    }

    /// <inheritdoc/>
    public PartitionedRateLimiter<TResource> CreatePartitionedLimiter<TResource>(string name, RateLimitPolicy policy, Func<TResource, string> partitionKey)
    {
        KeyGuard.ThrowIfInvalid(name);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(partitionKey);
        return PartitionedRateLimiter.Create<TResource, string>(resource =>
        {
            var partition = KeyGuard.ThrowIfInvalid(partitionKey(resource), nameof(partitionKey));
            return RateLimitPartition.Get(partition, key => CreateLimiter($"{name}:{key}", policy));
        });
    }
}
