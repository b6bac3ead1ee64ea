using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using CommerceKit.Outbox;
using CommerceKit.PostgreSql.Connection;
using CommerceKit.PostgreSql.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wolverine;
using Wolverine.Postgresql;
using Wolverine.RDBMS;
using Wolverine.Runtime;

namespace CommerceKit.Benchmarks;

/// <summary>
/// The PostgreSQL outbox with in-process handlers, one operation per iteration:
/// <list type="bullet">
/// <item><b>Latency</b>: one message enqueued in the application's transaction, from <c>BEGIN</c> to its handler having
/// run (commit → publish plus the enqueue itself), with 1 and 3 dispatchers that poll only once a second.</item>
/// <item><b>Throughput</b>: 1,000 messages over 100 keys, enqueued in 10 transactions of 100, until every handler ran;
/// the rows are per message.</item>
/// </list>
/// The floor rows run the same statements back to back on one connection, with no dispatcher waiting to be woken:
/// enqueue (key locks, insert, NOTIFY), commit, claim, call the handler, mark published. The peer is Wolverine's durable
/// outbox on the same server, enlisted in a raw Npgsql transaction and flushed after the commit to a durable local
/// queue (its sending process delivers the message itself; its recovery agent is the fallback).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 10, iterationCount: 100, invocationCount: 1)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[Config(typeof(PercentilesConfig))]
public class OutboxBenchmark
{
    private const int Keys = 100;
    private const int BatchMessages = 1000;
    private const int PerTransaction = 100;

    private readonly Signals _signals = new();
    private BenchmarkPostgres _postgres = null!;
    private NpgsqlDataSource _orders = null!;
    private readonly List<ServiceProvider> _providers = [];
    private PostgreSqlOutbox _oneDispatcher = null!;
    private PostgreSqlOutbox _threeDispatchers = null!;
    private PostgreSqlOutbox _floorOutbox = null!;
    private PostgreSqlOutboxStore _floorStore = null!;
    private Microsoft.Extensions.Hosting.IHost _wolverine = null!;
    private IWolverineRuntime _wolverineRuntime = null!;
    private long _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _postgres = await BenchmarkPostgres.StartAsync();
        _orders = NpgsqlDataSource.Create(_postgres.ConnectionString);
        await using (var create = _orders.CreateCommand("CREATE TABLE orders (id bigint PRIMARY KEY)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        _oneDispatcher = Instance("one").GetRequiredService<PostgreSqlOutbox>();
        _threeDispatchers = Instance("three").GetRequiredService<PostgreSqlOutbox>();
        Instance("three");
        Instance("three");
        var floor = Instance("floor", dispatcher: false);
        _floorOutbox = floor.GetRequiredService<PostgreSqlOutbox>();
        _floorStore = (PostgreSqlOutboxStore)floor.GetRequiredService<OutboxStore>();

        var wolverine = Host.CreateApplicationBuilder();
        wolverine.Services.AddSingleton(_signals);
        wolverine.UseWolverine(opts =>
        {
            opts.PersistMessagesWithPostgresql(_postgres.ConnectionString, "wolverine");
            opts.Policies.UseDurableLocalQueues();
            opts.Durability.Mode = DurabilityMode.Solo;
            opts.Discovery.DisableConventionalDiscovery().IncludeType(typeof(WolverineOrderPlacedHandler));
        });
        wolverine.Logging.ClearProviders();
        _wolverine = wolverine.Build();
        await _wolverine.StartAsync();
        _wolverineRuntime = _wolverine.Services.GetRequiredService<IWolverineRuntime>();

        // Schemas, listeners and prepared statements in place before the first measurement.
        await CommerceKitOneDispatcher();
        await CommerceKitThreeDispatchers();
        await Floor();
        await Wolverine();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _wolverine.StopAsync();
        _wolverine.Dispose();
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await _orders.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [BenchmarkCategory("Latency"), Benchmark(Baseline = true, Description = "floor: enqueue, commit, claim, handle, mark (no wake-up)")]
    public async Task Floor()
    {
        var id = await PlaceOrdersAsync(_floorOutbox, 1);
        await DrainFloorAsync(1);
        _signals.Take(id);
    }

    [BenchmarkCategory("Latency"), Benchmark(Description = "CommerceKit PostgreSQL, 1 dispatcher: enqueue → handled")]
    public Task CommerceKitOneDispatcher() => PlaceAndAwaitAsync(_oneDispatcher, 1);

    [BenchmarkCategory("Latency"), Benchmark(Description = "CommerceKit PostgreSQL, 3 dispatchers: enqueue → handled")]
    public Task CommerceKitThreeDispatchers() => PlaceAndAwaitAsync(_threeDispatchers, 1);

    [BenchmarkCategory("Latency"), Benchmark(Description = "Wolverine durable outbox: enqueue → handled")]
    public Task Wolverine() => WolverinePlaceAndAwaitAsync(1);

    [BenchmarkCategory("Throughput"), Benchmark(Baseline = true, OperationsPerInvoke = BatchMessages, Description = "floor: 1,000 messages, same statements back to back")]
    public async Task FloorThroughput()
    {
        var last = await PlaceOrdersAsync(_floorOutbox, BatchMessages);
        await DrainFloorAsync(BatchMessages);
        _signals.TakeAll(last, BatchMessages);
    }

    [BenchmarkCategory("Throughput"), Benchmark(OperationsPerInvoke = BatchMessages, Description = "floor: 1,000 messages, the same statements on 3 connections at once")]
    public async Task FloorThroughputThreeConnections()
    {
        var last = await PlaceOrdersAsync(_floorOutbox, BatchMessages);
        var handled = 0;
        await Task.WhenAll(Enumerable.Range(1, 3).Select(n => DrainFloorAsync(() => Volatile.Read(ref handled) < BatchMessages, count => Interlocked.Add(ref handled, count), "floor-" + n)));
        _signals.TakeAll(last, BatchMessages);
    }

    [BenchmarkCategory("Throughput"), Benchmark(OperationsPerInvoke = BatchMessages, Description = "CommerceKit PostgreSQL, 1 dispatcher: 1,000 messages")]
    public Task CommerceKitOneDispatcherThroughput() => PlaceAndAwaitAsync(_oneDispatcher, BatchMessages);

    [BenchmarkCategory("Throughput"), Benchmark(OperationsPerInvoke = BatchMessages, Description = "CommerceKit PostgreSQL, 3 dispatchers: 1,000 messages")]
    public Task CommerceKitThreeDispatchersThroughput() => PlaceAndAwaitAsync(_threeDispatchers, BatchMessages);

    [BenchmarkCategory("Throughput"), Benchmark(OperationsPerInvoke = BatchMessages, Description = "Wolverine durable outbox: 1,000 messages")]
    public Task WolverineThroughput() => WolverinePlaceAndAwaitAsync(BatchMessages);

    private ServiceProvider Instance(string schema, bool dispatcher = true)
    {
        var services = new ServiceCollection().AddSingleton(_signals);
        services.AddCommerceKit()
            .AddPostgreSql(o =>
            {
                o.ConnectionString = _postgres.ConnectionString;
                o.Schema = schema;
            })
            .AddOutbox(outbox => outbox.UsePostgreSql()
                .AddHandler<OrderPlaced, OrderPlacedHandler>()
                .Configure(o => o.DispatcherEnabled = dispatcher));
        var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IOutbox>();
        _providers.Add(provider);
        return provider;
    }

    private async Task PlaceAndAwaitAsync(PostgreSqlOutbox outbox, int count)
    {
        var last = await PlaceOrdersAsync(outbox, count);
        await _signals.WaitAllAsync(last, count);
    }

    // Each order row and its OrderPlaced event in one transaction, PerTransaction orders a transaction.
    private async Task<long> PlaceOrdersAsync(PostgreSqlOutbox outbox, int count)
    {
        var first = Interlocked.Add(ref _next, count) - count + 1;
        for (var start = first; start < first + count; start += PerTransaction)
        {
            var ids = Enumerable.Range(0, (int)Math.Min(PerTransaction, first + count - start)).Select(i => start + i).ToArray();
            _signals.Expect(ids);
            await using var connection = await _orders.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var insert = new NpgsqlCommand("INSERT INTO orders (id) SELECT unnest($1::bigint[])", connection, transaction) { Parameters = { new() { Value = ids } } })
            {
                await insert.ExecuteNonQueryAsync();
            }

            await outbox.EnqueueAllAsync([.. ids.Select(id => OutboxMessage.Create(new OrderPlaced(id), partitionKey: "customer-" + (id % Keys)))], transaction);
            await transaction.CommitAsync();
        }

        return first + count - 1;
    }

    private Task DrainFloorAsync(int count)
    {
        var handled = 0;
        return DrainFloorAsync(() => handled < count, claimed => handled += claimed, "floor");
    }

    // Claim, handle and mark, back to back, while more is expected.
    private async Task DrainFloorAsync(Func<bool> more, Action<int> handled, string dispatcher)
    {
        var claim = new OutboxClaim(dispatcher, 100, 20, TimeSpan.FromSeconds(30));
        while (more())
        {
            var claimed = await _floorStore.ClaimAsync(claim, default);
            foreach (var envelope in claimed)
            {
                _signals.Handled(System.Text.Json.JsonSerializer.Deserialize<OrderPlaced>(envelope.Payload.Span, System.Text.Json.JsonSerializerOptions.Web)!.Id);
            }

            if (claimed.Count > 0)
            {
                await _floorStore.MarkPublishedAsync([.. claimed.Select(envelope => envelope.Id)], default);
            }

            handled(claimed.Count);
        }
    }

    private async Task WolverinePlaceAndAwaitAsync(int count)
    {
        var first = Interlocked.Add(ref _next, count) - count + 1;
        for (var start = first; start < first + count; start += PerTransaction)
        {
            var ids = Enumerable.Range(0, (int)Math.Min(PerTransaction, first + count - start)).Select(i => start + i).ToArray();
            _signals.Expect(ids);
            var context = new MessageContext(_wolverineRuntime);
            if (!MessageDatabaseExtensions.TryFindMessageDatabase(context, out var database) || database is null)
            {
                throw new InvalidOperationException("Wolverine has no message database.");
            }

            await using var connection = await _orders.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await context.EnlistInOutboxAsync(new DatabaseEnvelopeTransaction(database, transaction));
            await using (var insert = new NpgsqlCommand("INSERT INTO orders (id) SELECT unnest($1::bigint[])", connection, transaction) { Parameters = { new() { Value = ids } } })
            {
                await insert.ExecuteNonQueryAsync();
            }

            foreach (var id in ids)
            {
                await context.PublishAsync(new OrderPlaced(id));
            }

            await transaction.CommitAsync();
            await context.FlushOutgoingMessagesAsync();
        }

        await _signals.WaitAllAsync(first + count - 1, count);
    }

    public sealed record OrderPlaced(long Id);

    /// <summary>The in-process handler: marks the order's event handled.</summary>
    public sealed class OrderPlacedHandler(Signals signals) : IOutboxHandler<OrderPlaced>
    {
        public ValueTask HandleAsync(OrderPlaced message, OutboxEnvelope envelope, CancellationToken cancellationToken)
        {
            signals.Handled(message.Id);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Completes when each expected order's event has been handled (a redelivery is ignored).</summary>
    public sealed class Signals
    {
        private readonly ConcurrentDictionary<long, TaskCompletionSource> _pending = new();

        public void Expect(IEnumerable<long> ids)
        {
            foreach (var id in ids)
            {
                _pending[id] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        public void Handled(long id)
        {
            if (_pending.TryGetValue(id, out var signal))
            {
                signal.TrySetResult();
            }
        }

        public async Task WaitAllAsync(long last, int count)
        {
            for (var id = last - count + 1; id <= last; id++)
            {
                await _pending[id].Task.WaitAsync(TimeSpan.FromSeconds(30));
                _pending.TryRemove(id, out _);
            }
        }

        public void Take(long id) => TakeAll(id, 1);

        public void TakeAll(long last, int count)
        {
            for (var id = last - count + 1; id <= last; id++)
            {
                if (!_pending.TryRemove(id, out var signal) || !signal.Task.IsCompleted)
                {
                    throw new InvalidOperationException($"The floor did not handle order {id}.");
                }
            }
        }
    }
}

/// <summary>Wolverine's handler for the same event (found by its conventions: a static Handle method).</summary>
public static class WolverineOrderPlacedHandler
{
    public static void Handle(OutboxBenchmark.OrderPlaced message, OutboxBenchmark.Signals signals) => signals.Handled(message.Id);
}
