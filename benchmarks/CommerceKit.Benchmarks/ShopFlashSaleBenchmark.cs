using System.Diagnostics;
using Npgsql;

namespace CommerceKit.Benchmarks;

/// <summary>
/// The shop's system benchmark: <c>./bench.sh shop-flash-sale</c>. Starts Redis and PostgreSQL as the other benchmarks
/// do, then runs the reference shop's flash-sale demo in Release against 1 and 3 distributed instances: 64 concurrent
/// buyers, every order goes through (stock = buyers), a warm-up first, and the same server work replayed raw after
/// each sale as its floor. Each run's report is written to <c>BenchmarkDotNet.Artifacts/shop-flash-sale-{n}.json</c>.
/// </summary>
internal static class ShopFlashSaleBenchmark
{
    public const string Command = "shop-flash-sale";

    public static async Task<int> RunAsync()
    {
        var root = RepositoryRoot();
        var artifacts = Directory.CreateDirectory(Path.Combine(Environment.CurrentDirectory, "BenchmarkDotNet.Artifacts")).FullName;
        await using var redis = await BenchmarkRedis.StartAsync();
        await using var postgres = await BenchmarkPostgres.StartAsync();
        var database = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { MaxPoolSize = 30, Timeout = 30 }.ConnectionString;
        foreach (var instances in new[] { 1, 3 })
        {
            var exit = await RunDemoAsync(
                root,
                "run", "-c", "Release", "--project", "samples/CommerceKit.ReferenceShop", "--",
                "demo", "flash-sale", "--instances", $"{instances}", "--buyers", "2000", "--stock", "2000", "--concurrency", "64",
                "--warmup", "300", "--floor", "--report", Path.Combine(artifacts, $"shop-flash-sale-{instances}.json"),
                $"--ConnectionStrings:Redis={redis.Configuration}", $"--ConnectionStrings:Postgres={database}");
            if (exit != 0)
            {
                return exit;
            }
        }

        return 0;
    }

    private static async Task<int> RunDemoAsync(string root, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = root, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var demo = Process.Start(info)!;
        await demo.WaitForExitAsync();
        return demo.ExitCode;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CommerceKit.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmarks from the repository (CommerceKit.sln not found above the program).");
    }
}
