using System.Diagnostics;
using Npgsql;
using StackExchange.Redis;

namespace CommerceKit.ReferenceShop.Demo;

/// <summary>
/// The floor of a distributed sale: the server work one order caused (PostgreSQL commits and Redis commands, counted
/// by the servers themselves around the sale), replayed raw (one-row upserts, INCRs) at the sale's concurrency, with
/// nothing else: no HTTP, no JSON, no libraries. The sale's figures divided by these say what the shop adds.
/// </summary>
internal sealed class ServerFloor(string postgres, string redis, int concurrency) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _database = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(postgres) { MaxPoolSize = concurrency }.ConnectionString);
    private ConnectionMultiplexer? _redis;

    /// <summary>Commits in the shop's database and commands Redis processed so far.</summary>
    public async Task<ServerWork> CountAsync(CancellationToken cancellationToken)
    {
        // PostgreSQL publishes a backend's counts about once a second: let the last ones arrive.
        await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
        await using var command = _database.CreateCommand("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
        var commits = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        var stats = (await (await RedisAsync()).GetServers()[0].InfoAsync("stats")).SelectMany(group => group)
            .Single(entry => entry.Key == "total_commands_processed");
        return new ServerWork(commits, long.Parse(stats.Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Runs <paramref name="orders"/> raw orders of <paramref name="perOrder"/> work, <paramref name="parallel"/> at a time.</summary>
    public async Task<FloorResult> RunAsync(int orders, int parallel, ServerWork perOrder, CancellationToken cancellationToken)
    {
        await using (var table = _database.CreateCommand("CREATE TABLE IF NOT EXISTS shop.floor (id bigint PRIMARY KEY, n bigint NOT NULL)"))
        {
            await table.ExecuteNonQueryAsync(cancellationToken);
        }

        // Opened connections and a grown thread pool first, as the sale had after its warm-up.
        await ReplayAsync(Math.Min(orders, parallel * 4), parallel, perOrder, cancellationToken);
        var latencies = new double[orders];
        var clock = Stopwatch.StartNew();
        await ReplayAsync(orders, parallel, perOrder, cancellationToken, latencies);
        var seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new FloorResult(perOrder.Commits, perOrder.RedisCommands, orders / seconds, Latencies.Percentile(latencies, 0.50), Latencies.Percentile(latencies, 0.99));
    }

    private async Task ReplayAsync(int orders, int parallel, ServerWork perOrder, CancellationToken cancellationToken, double[]? latencies = null)
    {
        var redis = (await RedisAsync()).GetDatabase();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, orders),
            new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken },
            async (order, token) =>
            {
                var started = Stopwatch.GetTimestamp();
                for (var i = 0; i < perOrder.Commits; i++)
                {
                    await using var upsert = _database.CreateCommand("INSERT INTO shop.floor VALUES ($1, 1) ON CONFLICT (id) DO UPDATE SET n = floor.n + 1");
                    upsert.Parameters.Add(new NpgsqlParameter { Value = (long)order * 100 + i });
                    await upsert.ExecuteNonQueryAsync(token);
                }

                for (var i = 0; i < perOrder.RedisCommands; i++)
                {
                    await redis.StringIncrementAsync($"floor:{order}:{i % 4}");
                }

                if (latencies is not null)
                {
                    latencies[order] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            });
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    private async Task<ConnectionMultiplexer> RedisAsync() => _redis ??= await ConnectionMultiplexer.ConnectAsync(redis + ",allowAdmin=true");
}

/// <summary>PostgreSQL commits and Redis commands, in total or per order.</summary>
internal sealed record ServerWork(long Commits, long RedisCommands)
{
    public ServerWork PerOrder(ServerWork before, int orders) =>
        new((long)Math.Round((double)(Commits - before.Commits) / orders), (long)Math.Round((double)(RedisCommands - before.RedisCommands) / orders));
}

/// <summary>The raw server work of one order, replayed: its throughput and latency.</summary>
internal sealed record FloorResult(long CommitsPerOrder, long RedisCommandsPerOrder, double OrdersPerSecond, double P50Milliseconds, double P99Milliseconds);
