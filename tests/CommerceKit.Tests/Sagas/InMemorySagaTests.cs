using CommerceKit.ConformanceTests.Sagas;
using CommerceKit.Sagas;
using CommerceKit.Sagas.InMemory;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Tests.Sagas;

public sealed class InMemorySagaTests : SagaConformanceTests
{
    protected override SagaBackend CreateBackend() => new InMemorySagaBackend();

    /// <summary>In-memory instances share sagas only within one store, as the runners of one process do.</summary>
    private sealed class InMemorySagaBackend : SagaBackend
    {
        private readonly InMemorySagaStore _store = new(TimeProvider.System);

        protected override void AddBackend(ICommerceKitBuilder builder, Action<SagasBuilder> configure)
        {
            builder.Services.AddSingleton<SagaStore>(_store);
            builder.AddSagas(configure);
        }
    }
}
