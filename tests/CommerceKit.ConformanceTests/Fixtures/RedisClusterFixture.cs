using CommerceKit.TestServers;

namespace CommerceKit.ConformanceTests.Fixtures;

/// <summary>A three-master Redis Cluster for one test class: <c>COMMERCEKIT_TEST_REDIS_CLUSTER</c> when set, else one we start.</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    private RedisCluster? _cluster;

    public string Configuration { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (TestEnvironment.RedisCluster is { } external)
        {
            Configuration = external;
            return;
        }

        _cluster = await RedisCluster.StartAsync();
        Configuration = _cluster.Configuration;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
