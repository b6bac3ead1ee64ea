using CommerceKit.ConformanceTests.Idempotency;
using CommerceKit.Idempotency;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.ThirdPartyBackend.Tests;

/// <summary>The third-party store passes the whole idempotency conformance suite, registered as an application would.</summary>
public sealed class CompareAndSwapIdempotencyTests : IdempotencyConformanceTests
{
    protected override IdempotencyBackend CreateBackend() => new CompareAndSwapBackend();

    [Fact]
    public void The_store_is_registered_through_the_public_builder()
    {
        using var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddCommerceKit()
            .AddIdempotency(idempotency => idempotency.UseStore<CompareAndSwapIdempotencyStore>()).Services.BuildServiceProvider();

        Assert.IsType<CompareAndSwapIdempotencyStore>(services.GetRequiredService<IdempotencyStore>());
        Assert.NotNull(services.GetRequiredService<IIdempotencyExecutor>());
    }

    /// <summary>Instances share one store, as the tasks of one process do.</summary>
    private sealed class CompareAndSwapBackend : IdempotencyBackend
    {
        private readonly CompareAndSwapIdempotencyStore _store = new(TimeProvider.System);

        protected override void AddBackend(ICommerceKitBuilder builder, Action<IdempotencyOptions> configure)
        {
            builder.Services.AddSingleton<IdempotencyStore>(_store);
            builder.AddIdempotency(idempotency => idempotency.Configure(configure));
        }
    }
}
