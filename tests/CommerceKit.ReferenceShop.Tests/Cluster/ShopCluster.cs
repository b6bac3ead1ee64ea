using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommerceKit.TestServers;
using Npgsql;

namespace CommerceKit.ReferenceShop.Tests.Cluster;

/// <summary>
/// The shop in distributed mode as it is deployed: three shop processes and one provider simulator process, on a real
/// redis-server and postgres started for this cluster. Tests kill and restart instances and servers.
/// </summary>
public sealed class ShopCluster : IAsyncLifetime
{
    public const string AdminKey = "cluster-admin-key";
    private const int InstanceCount = 3;

    private readonly ServerProcess?[] _instances = new ServerProcess?[InstanceCount];
    private readonly int[] _ports = new int[InstanceCount];
    private ServerProcess? _simulator;
    private PostgreSqlServer? _postgres;
    private string _database = "";

    public RedisServer Redis { get; private set; } = null!;

    /// <summary>The external provider simulator: its ledger of charges and messages.</summary>
    public HttpClient Simulator { get; private set; } = null!;

    /// <summary>One client per instance.</summary>
    public IReadOnlyList<HttpClient> Shops { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var redis = RedisServer.StartAsync();
        var postgres = PostgreSqlServer.StartAsync();
        Redis = await redis;
        _postgres = await postgres;
        // Three pools within the server's max_connections (300), and time to wait for a pooled connection under a sale.
        _database = new NpgsqlConnectionStringBuilder(await PostgreSqlDatabases.CreateEmptyAsync(_postgres.ConnectionString)) { MaxPoolSize = 40, Timeout = 30 }.ConnectionString;

        var simulatorPort = FreePorts.Next();
        _simulator = ShopProcesses.Start("CommerceKit.ProviderSimulator", [$"--urls=http://127.0.0.1:{simulatorPort}"]);
        Simulator = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{simulatorPort}/"), Timeout = TimeSpan.FromSeconds(30) };
        var clients = new HttpClient[InstanceCount];
        for (var i = 0; i < InstanceCount; i++)
        {
            _ports[i] = FreePorts.Next();
            clients[i] = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{_ports[i]}/"),
                Timeout = TimeSpan.FromSeconds(60),
            };
        }

        Shops = clients;
        await ShopProcesses.WaitUntilAsync(Simulator, "v1/charges", _simulator);

        // All three at once: schema creation and seeding must be safe when instances start together.
        await Task.WhenAll(Enumerable.Range(0, InstanceCount).Select(StartInstanceAsync));
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            instance?.Dispose();
        }

        _simulator?.Dispose();
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    /// <summary>Kills instance <paramref name="index"/> with SIGKILL, as a crash would.</summary>
    public void Kill(int index) => _instances[index]?.Kill();

    /// <summary>Starts instance <paramref name="index"/> (again) and returns once it is ready.</summary>
    public async Task StartInstanceAsync(int index)
    {
        _instances[index]?.Dispose();
        var process = ShopProcesses.Start(
            "CommerceKit.ReferenceShop",
            [
                $"--urls=http://127.0.0.1:{_ports[index]}",
                $"--ConnectionStrings:Redis={Redis.Configuration}",
                $"--ConnectionStrings:Postgres={_database}",
                $"--Shop:ProvidersUrl={Simulator.BaseAddress}",
                $"--Shop:AdminKey={AdminKey}",
                "--Shop:OrderWait=00:00:20",
                "--Shop:RateLimits:RequestsPerSecondPerAddress=1000000",
                "--Shop:ReconciliationInterval=00:00:02",
                "--CommerceKit:Sagas:Lease=00:00:06",
                "--CommerceKit:Sagas:LeaseRenewalInterval=00:00:02",
                "--CommerceKit:Sagas:RecoveryInterval=00:00:01",
                "--CommerceKit:Idempotency:Lease=00:00:10",
                "--Logging:LogLevel:Default=Warning",
            ]);
        _instances[index] = process;
        await ShopProcesses.WaitUntilAsync(Shops[index], "health/ready", process);
    }

    /// <summary>Where the process wrote what it did, for failure messages.</summary>
    public string OutputOf(int index) => _instances[index]?.Output ?? "";

    public async Task<JsonElement[]> ChargesAsync() => (await Simulator.GetFromJsonAsync<JsonElement[]>("v1/charges"))!;

    public async Task<JsonElement[]> MessagesAsync() => (await Simulator.GetFromJsonAsync<JsonElement[]>("v1/messages"))!;

    public async Task SetFaultsAsync(string target, double failureRate = 0, int latencyMs = 0, bool outage = false)
    {
        using var response = await Simulator.PostAsJsonAsync("admin/faults", new { target, failureRate, latencyMs, outage });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Creates or resets a product with <paramref name="onHand"/> units through the admin API.</summary>
    public async Task PutProductAsync(string sku, long onHand, long priceCents = 5_000)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"admin/products/{sku}")
        {
            Content = JsonContent.Create(new { name = sku, description = "test product", priceCents, currency = "EUR", onHand }),
        };
        request.Headers.Add("X-Admin-Key", AdminKey);
        using var response = await Shops[0].SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task<(long OnHand, long Reserved)> StockAsync(string sku)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"admin/stock/{sku}");
        request.Headers.Add("X-Admin-Key", AdminKey);
        using var response = await Shops[1].SendAsync(request);
        var stock = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (stock.GetProperty("onHand").GetInt64(), stock.GetProperty("reserved").GetInt64());
    }
}
