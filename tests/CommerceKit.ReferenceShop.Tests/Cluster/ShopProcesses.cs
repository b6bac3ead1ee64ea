using System.Diagnostics;
using System.Globalization;
using CommerceKit.TestServers;

namespace CommerceKit.ReferenceShop.Tests.Cluster;

/// <summary>The shop and the provider simulator as separate processes, the way they are deployed.</summary>
public static class ShopProcesses
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Starts <paramref name="program"/> (<c>CommerceKit.ReferenceShop</c> or <c>CommerceKit.ProviderSimulator</c>),
    /// built into this test project's output by its ProjectReference, with its runtimeconfig and deps.
    /// </summary>
    public static ServerProcess Start(string program, IEnumerable<string> arguments) =>
        ServerProcess.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, program + ".dll"), .. arguments], AppContext.BaseDirectory);

    /// <summary>Returns once <paramref name="path"/> answers 2xx; throws with the process's output when it does not in time.</summary>
    public static async Task WaitUntilAsync(HttpClient client, string path, ServerProcess process)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout && !process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(path);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"{client.BaseAddress}{path} was not ready after {clock.Elapsed.TotalSeconds:0} s:\n{process.Output}"));
    }
}
