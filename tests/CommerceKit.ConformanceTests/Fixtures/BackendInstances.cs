using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.ConformanceTests.Fixtures;

/// <summary>
/// Application instances sharing one backend, as the conformance suites see them: each its own service provider and
/// connection, all under one key prefix no other test uses. Disposing disposes every instance.
/// </summary>
public abstract class BackendInstances : IAsyncDisposable
{
    private readonly List<ServiceProvider> _instances = [];

    /// <summary>The key prefix every instance of this backend shares and no other test uses.</summary>
    public string KeyPrefix { get; } = TestEnvironment.UniqueKeyPrefix();

    /// <summary>The services of the first instance created, for hooks that reach into the backend.</summary>
    protected IServiceProvider FirstInstance => _instances.Count > 0 ? _instances[0] : throw new InvalidOperationException("Create an instance first.");

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Starts an instance: its own services, registered by <paramref name="addFeature"/> under the shared prefix.</summary>
    protected IServiceProvider CreateInstance(Action<ICommerceKitBuilder> addFeature)
    {
        var services = new ServiceCollection().AddLogging();
        addFeature(services.AddCommerceKit(o => o.KeyPrefix = KeyPrefix));
        var instance = services.BuildServiceProvider();
        _instances.Add(instance);
        return instance;
    }
}
