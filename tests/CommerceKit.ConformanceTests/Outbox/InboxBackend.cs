using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.ConformanceTests.Outbox;

/// <summary>One inbox backend as the conformance suite sees it: instances of a consumer sharing the backend.</summary>
public abstract class InboxBackend : BackendInstances
{
    /// <summary>Starts an instance and returns its inbox.</summary>
    public IInbox CreateInbox(Action<InboxOptions>? configure = null) =>
        CreateInstance(builder => AddBackend(builder, configure ?? (_ => { }))).GetRequiredService<IInbox>();

    /// <summary>Registers the backend's inbox, passing <paramref name="configure"/> on.</summary>
    protected abstract void AddBackend(ICommerceKitBuilder builder, Action<InboxOptions> configure);
}
