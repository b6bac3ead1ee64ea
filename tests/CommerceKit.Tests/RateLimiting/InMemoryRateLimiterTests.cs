using CommerceKit.ConformanceTests.RateLimiting;
using CommerceKit.RateLimiting;
using CommerceKit.RateLimiting.InMemory;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Tests.RateLimiting;

public sealed class InMemoryRateLimiterTests : RateLimiterConformanceTests
{
    protected override RateLimitingBackend CreateBackend() => new InMemoryRateLimitingBackend();

    /// <summary>In-memory instances share limits only within one store, as the tasks of one process do.</summary>
    private sealed class InMemoryRateLimitingBackend : RateLimitingBackend
    {
        private readonly InMemoryRateLimitStore _store = new(TimeProvider.System);

        public override bool DecidesSynchronously => true;

        protected override void AddBackend(ICommerceKitBuilder builder)
        {
            builder.Services.AddSingleton<RateLimitStore>(_store);
            builder.AddRateLimiting();
        }
    }
}
