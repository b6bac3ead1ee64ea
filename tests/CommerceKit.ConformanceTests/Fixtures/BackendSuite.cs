namespace CommerceKit.ConformanceTests.Fixtures;

/// <summary>What every conformance suite shares: a fresh backend (its own key prefix) per test, disposed after it.</summary>
public abstract class BackendSuite<TBackend> : IAsyncLifetime
    where TBackend : BackendInstances
{
    private TBackend? _backend;

    protected TBackend Backend => _backend ??= CreateBackend();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }

    protected abstract TBackend CreateBackend();
}
