namespace CommerceKit.ConformanceTests.Locking;

/// <summary>What every locking suite shares: a fresh backend (its own key prefix) per test, disposed after it.</summary>
public abstract class LockingSuite : IAsyncLifetime
{
    private LockingBackend? _backend;

    protected LockingBackend Backend => _backend ??= CreateBackend();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }

    protected abstract LockingBackend CreateBackend();
}
