using CommerceKit.ReferenceShop.Tests.Cluster;
using CommerceKit.TestServers;
using Microsoft.Playwright;

namespace CommerceKit.ReferenceShop.Tests.Browser;

/// <summary>
/// The shop as a process of its own (embedded mode, Production settings, an admin key) and a real headless Chromium
/// driven by Playwright: Debian's <c>chromium</c> package, which <c>scripts/install-servers.sh</c> installs.
/// </summary>
public sealed class StorefrontFixture : IAsyncLifetime
{
    public const string AdminKey = "browser-admin-key";
    private const string Chromium = "/usr/bin/chromium";
    private ServerProcess? _shop;
    private IPlaywright? _playwright;

    public HttpClient Shop { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} was not found. Run ./test.sh, which installs it, or: apt-get install -y chromium");
        }

        var url = $"http://127.0.0.1:{FreePorts.Next()}";
        _shop = ShopProcesses.Start(
            "CommerceKit.ReferenceShop",
            [$"--urls={url}", $"--Shop:AdminKey={AdminKey}", "--Shop:RateLimits:RequestsPerSecondPerAddress=100000", "--Logging:LogLevel:Default=Warning"]);
        Shop = new HttpClient { BaseAddress = new Uri(url + "/"), Timeout = TimeSpan.FromSeconds(60) };
        await ShopProcesses.WaitUntilAsync(Shop, "health/ready", _shop);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox"], // the tests may run as root, where Chromium's sandbox refuses to start
        });
    }

    /// <summary>A fresh page (its own storage: a new customer) on the shop.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Shop.BaseAddress!.ToString() });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        _shop?.Dispose();
        Shop?.Dispose();
    }
}
