using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.ConformanceTests.RateLimiting;

/// <summary>One rate-limit backend as the conformance suite sees it: providers of separate application instances.</summary>
public abstract class RateLimitingBackend : BackendInstances
{
    /// <summary>Whether <c>AttemptAcquire</c> decides (in memory) or answers <see cref="RateLimitReasons.RequiresAsync"/>.</summary>
    public virtual bool DecidesSynchronously => false;

    /// <summary>Creates a provider as a separate application instance would: its own services and connection.</summary>
    public IRateLimiterProvider CreateProvider() => CreateInstance(AddBackend).GetRequiredService<IRateLimiterProvider>();

    /// <summary>The store of the first instance, for tests that play a holder that stopped renewing.</summary>
    public RateLimitStore Store => FirstInstance.GetRequiredService<RateLimitStore>();

    /// <summary>Registers the backend's rate limiter.</summary>
    protected abstract void AddBackend(ICommerceKitBuilder builder);
}
