using CommerceKit.ConformanceTests.Idempotency;
using CommerceKit.Idempotency;
using CommerceKit.Idempotency.InMemory;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Tests.Idempotency;

public sealed class InMemoryIdempotencyTests : IdempotencyConformanceTests
{
    protected override IdempotencyBackend CreateBackend() => new InMemoryIdempotencyBackend();

    /// <summary>In-memory instances share records only within one store, as the tasks of one process do.</summary>
    private sealed class InMemoryIdempotencyBackend : IdempotencyBackend
    {
        private readonly InMemoryIdempotencyStore _store = new(TimeProvider.System);

        protected override void AddBackend(ICommerceKitBuilder builder, Action<IdempotencyOptions> configure)
        {
            builder.Services.AddSingleton<IdempotencyStore>(_store);
            builder.AddIdempotency(idempotency => idempotency.Configure(configure));
        }
    }
}
