using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using CommerceKit.ReferenceShop.Hosting;

namespace CommerceKit.ReferenceShop.Demo;

/// <summary>
/// The shops a demo runs against: one in this process (embedded, or distributed when the servers are configured), or
/// several shop processes sharing Redis and PostgreSQL with the provider simulator in this process.
/// </summary>
internal sealed class DemoShops : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly List<IAsyncDisposable> _hosts = [];
    private readonly List<Process> _processes = [];
    private readonly string _adminKey;

    private DemoShops(string adminKey) => _adminKey = adminKey;

    /// <summary>One client per shop instance.</summary>
    public List<HttpClient> Shops { get; } = [];

    /// <summary>The provider simulator's API: its ledger of charges and messages.</summary>
    public HttpClient Simulator { get; private set; } = null!;

    /// <summary>Starts <paramref name="instances"/> shops configured by <paramref name="shopArgs"/> (for example connection strings).</summary>
    public static async Task<DemoShops> StartAsync(string[] shopArgs, int instances, CancellationToken cancellationToken)
    {
        var shops = new DemoShops(Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        try
        {
            if (instances == 1)
            {
                var app = ShopApp.Create(shopArgs, builder =>
                {
                    builder.WebHost.UseUrls("http://127.0.0.1:0");
                    builder.Configuration.AddInMemoryCollection(shops.Settings());
                });
                shops._hosts.Add(app);
                await app.StartAsync(cancellationToken);
                var url = app.Urls.First();
                shops.Shops.Add(Client(url));
                var providers = app.Configuration["Shop:ProvidersUrl"];
                shops.Simulator = Client(string.IsNullOrEmpty(providers) ? url.TrimEnd('/') + "/simulator/" : providers);
                return shops;
            }

            var simulator = WebApplication.CreateBuilder();
            simulator.WebHost.UseUrls("http://127.0.0.1:0");
            simulator.Logging.ClearProviders(); // the demo's console is its progress bar and report
            simulator.Services.AddProviderSimulator();
            var simulatorApp = simulator.Build();
            simulatorApp.MapProviderSimulator();
            shops._hosts.Add(simulatorApp);
            await simulatorApp.StartAsync(cancellationToken);
            shops.Simulator = Client(simulatorApp.Urls.First());

            var settings = shops.Settings().Append(new("Shop:ProvidersUrl", shops.Simulator.BaseAddress!.ToString()));
            for (var i = 0; i < instances; i++)
            {
                var url = $"http://127.0.0.1:{FreePort()}";
                shops._processes.Add(StartProcess([.. shopArgs, $"--urls={url}", .. settings.Select(setting => $"--{setting.Key}={setting.Value}")]));
                shops.Shops.Add(Client(url));
            }

            await Task.WhenAll(shops.Shops.Select((shop, i) => WaitUntilReadyAsync(shop, shops._processes[i], cancellationToken)));
            return shops;
        }
        catch
        {
            await shops.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends an admin request, with the demo's admin key, to <paramref name="shop"/>; throws unless it succeeds.</summary>
    public async Task<HttpResponseMessage> AdminAsync(HttpClient shop, HttpMethod method, string path, CancellationToken cancellationToken, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add(Orders.OrderEndpoints.AdminKeyHeader, _adminKey);
        var response = await shop.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            throw new HttpRequestException($"{method} {path} answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        return response;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }

        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        foreach (var client in Shops.Append(Simulator).OfType<HttpClient>())
        {
            client.Dispose();
        }
    }

    // Every buyer comes from this machine's address: the per-address limit would turn the sale into 429s.
    private List<KeyValuePair<string, string?>> Settings() =>
    [
        new("Shop:AdminKey", _adminKey),
        new("Shop:RateLimits:RequestsPerSecondPerAddress", "1000000"),
        new("Shop:SpanTimings", "true"),
        new("Logging:LogLevel:Default", "Error"),
    ];

    private static HttpClient Client(string url) => new() { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };

    // This very program again: the apphost, or `dotnet` with the shop's assembly.
    private static Process StartProcess(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntilReadyAsync(HttpClient shop, Process process, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The shop instance at {shop.BaseAddress} exited with code {process.ExitCode} while starting.");
            }

            try
            {
                using var ready = await shop.GetAsync("health/ready", cancellationToken);
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"The shop instance at {shop.BaseAddress} was not ready after {StartTimeout.TotalSeconds} s.");
    }
}
