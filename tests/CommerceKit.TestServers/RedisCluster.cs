namespace CommerceKit.TestServers;

/// <summary>A real Redis Cluster of three masters (no replicas) on free loopback ports.</summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private const int ClusterBusOffset = 10_000;
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    private RedisCluster(IReadOnlyList<RedisServer> nodes) => Nodes = nodes;

    public IReadOnlyList<RedisServer> Nodes { get; }

    /// <summary>The StackExchange.Redis configuration string naming every node.</summary>
    public string Configuration => string.Join(",", Nodes.Select(node => node.Configuration));

    public static async Task<RedisCluster> StartAsync()
    {
        var nodes = new List<RedisServer>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                nodes.Add(await RedisServer.StartAsync(
                    FreePorts.Next(alsoFreeAt: ClusterBusOffset),
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "5000"));
            }

            var cluster = new RedisCluster(nodes);
            await cluster.CreateAsync();
            return cluster;
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }

    private async Task CreateAsync()
    {
        string[] arguments = ["--cluster", "create", .. Nodes.Select(node => node.Configuration), "--cluster-replicas", "0", "--cluster-yes"];
        using (var create = ServerProcess.Start(ServerBinaries.RedisCli, arguments))
        {
            await create.WaitForSuccessAsync(SettleTimeout);
        }

        foreach (var node in Nodes)
        {
            await RedisProbe.WaitUntilAsync(
                node.Port,
                reply => reply.Contains("cluster_state:ok", StringComparison.Ordinal) && reply.Contains("cluster_known_nodes:3", StringComparison.Ordinal),
                SettleTimeout,
                () => "The cluster did not settle.",
                "CLUSTER", "INFO");
        }
    }
}
