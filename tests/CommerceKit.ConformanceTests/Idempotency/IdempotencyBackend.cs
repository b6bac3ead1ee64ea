using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Idempotency;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.ConformanceTests.Idempotency;

/// <summary>One idempotency backend as the conformance suite sees it: executors and stores of separate application instances.</summary>
public abstract class IdempotencyBackend : BackendInstances
{
    /// <summary>Creates an executor as a separate application instance would: its own services and connection, the same records.</summary>
    public IIdempotencyExecutor CreateExecutor(Action<IdempotencyOptions>? configure = null) =>
        CreateInstance(builder => AddBackend(builder, configure ?? (_ => { }))).GetRequiredService<IIdempotencyExecutor>();

    /// <summary>Creates a store as a separate application instance would.</summary>
    public IdempotencyStore CreateStore() =>
        CreateInstance(builder => AddBackend(builder, _ => { })).GetRequiredService<IdempotencyStore>();

    /// <summary>The command line of tests/CommerceKit.LeaseHolder that claims <paramref name="key"/> (in scope <c>holder</c>) on this backend.</summary>
    public virtual IReadOnlyList<string> HolderProcessArguments(string key, TimeSpan lease) =>
        throw new NotSupportedException("This backend lives inside one process: another process cannot share its records.");

    /// <summary>Registers the backend's idempotency store, passing <paramref name="configure"/> on.</summary>
    protected abstract void AddBackend(ICommerceKitBuilder builder, Action<IdempotencyOptions> configure);
}
