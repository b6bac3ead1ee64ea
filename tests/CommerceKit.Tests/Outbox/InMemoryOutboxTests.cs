using CommerceKit.ConformanceTests.Outbox;
using CommerceKit.Outbox;
using CommerceKit.Outbox.InMemory;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Tests.Outbox;

public sealed class InMemoryOutboxTests : OutboxConformanceTests
{
    protected override OutboxBackend CreateBackend() => new InMemoryOutboxBackend();

    /// <summary>In-memory instances share messages only within one store, as the tasks of one process do.</summary>
    private sealed class InMemoryOutboxBackend : OutboxBackend
    {
        private readonly InMemoryOutboxStore _store = new(TimeProvider.System);

        protected override void AddBackend(ICommerceKitBuilder builder, Action<OutboxOptions> configure)
        {
            builder.Services.AddSingleton<OutboxStore>(_store);
            builder.AddOutbox(outbox => outbox.Configure(configure));
        }
    }
}

public sealed class InMemoryInboxTests : InboxConformanceTests
{
    protected override InboxBackend CreateBackend() => new InMemoryInboxBackend();

    private sealed class InMemoryInboxBackend : InboxBackend
    {
        private readonly InMemoryInboxStore _store = new(TimeProvider.System);

        protected override void AddBackend(ICommerceKitBuilder builder, Action<InboxOptions> configure)
        {
            builder.Services.AddSingleton<InboxStore>(_store);
            builder.AddInbox(inbox => inbox.Configure(configure));
        }
    }
}
