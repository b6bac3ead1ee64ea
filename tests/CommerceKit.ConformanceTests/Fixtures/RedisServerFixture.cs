using CommerceKit.TestServers;

namespace CommerceKit.ConformanceTests.Fixtures;

/// <summary>A standalone Redis for one test class: <c>COMMERCEKIT_TEST_REDIS</c> when set, else a real redis-server we start.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    public string Configuration { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (TestEnvironment.Redis is { } external)
        {
            Configuration = external;
            return;
        }

        _server = await RedisServer.StartAsync();
        Configuration = _server.Configuration;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
