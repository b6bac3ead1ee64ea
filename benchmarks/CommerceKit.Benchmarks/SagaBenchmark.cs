using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using CommerceKit.PostgreSql.Sagas;
using CommerceKit.Sagas;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommerceKit.Benchmarks;

/// <summary>
/// Sagas of three trivial steps, run to completion with <see cref="ISagaRunner.RunAsync{TSaga, TState}"/>:
/// <list type="bullet">
/// <item><b>PostgreSQL</b>: one saga at a time, and 100 at once. The floor runs the statements a saga needs, back to back
/// on a pooled connection with no engine: the <c>INSERT</c> that starts it and one committed <c>UPDATE</c> per step
/// transition, with the same row contents (state and journal JSON), through the store's own SQL.</item>
/// <item><b>In memory</b>: 1,000 sagas one after another per iteration; the rows are per saga, with allocations.</item>
/// </list>
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 10, iterationCount: 100, invocationCount: 1)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[MemoryDiagnoser]
[Config(typeof(PercentilesConfig))]
public class SagaBenchmark
{
    private const int Concurrent = 100;
    private const int InMemorySagas = 1000;
    private const string State = """{"orderId":"order-1","amount":4200,"steps":0}""";

    private static readonly string[] StepNames = ["reserve", "charge", "confirm"];

    private readonly List<ServiceProvider> _providers = [];
    private BenchmarkPostgres _postgres = null!;
    private ISagaRunner _postgresRunner = null!;
    private ISagaRunner _memoryRunner = null!;
    private NpgsqlDataSource _floor = null!;
    private SagaSql _floorSql = null!;
    private string[] _journals = null!;
    private long _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _postgres = await BenchmarkPostgres.StartAsync();
        _postgresRunner = Runner(sagas => sagas.UsePostgreSql(), postgres: "sagas");
        _memoryRunner = Runner(_ => { }, postgres: null);

        // The floor writes through the store's own statements into a schema the store created.
        var floor = Runner(sagas => sagas.UsePostgreSql(), postgres: "floor");
        await floor.RunAsync<TrivialSaga, TrivialState>("warm-up", new TrivialState());
        _floor = NpgsqlDataSource.Create(_postgres.ConnectionString);
        _floorSql = new SagaSql("floor");
        _journals = [.. Enumerable.Range(0, StepNames.Length + 1).Select(done => Journal(done))];

        await PostgreSqlOneAtATime();
        await PostgreSqlConcurrent();
        await FloorOneAtATime();
        await FloorConcurrent();
        await InMemory();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await _floor.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [BenchmarkCategory("PostgreSQL, one saga at a time"), Benchmark(Baseline = true, Description = "floor: INSERT + 1 UPDATE per step (4 statements)")]
    public Task FloorOneAtATime() => FloorSagaAsync();

    [BenchmarkCategory("PostgreSQL, one saga at a time"), Benchmark(Description = "CommerceKit PostgreSQL: RunAsync, 3 steps")]
    public Task PostgreSqlOneAtATime() => _postgresRunner.RunAsync<TrivialSaga, TrivialState>(NextId(), new TrivialState());

    [BenchmarkCategory("PostgreSQL, 100 at once"), Benchmark(Baseline = true, OperationsPerInvoke = Concurrent, Description = "floor: 100 × (INSERT + 3 UPDATE) at once")]
    public Task FloorConcurrent() => Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => FloorSagaAsync()));

    [BenchmarkCategory("PostgreSQL, 100 at once"), Benchmark(OperationsPerInvoke = Concurrent, Description = "CommerceKit PostgreSQL: 100 × RunAsync at once")]
    public Task PostgreSqlConcurrent() =>
        Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => _postgresRunner.RunAsync<TrivialSaga, TrivialState>(NextId(), new TrivialState())));

    [BenchmarkCategory("In memory"), Benchmark(OperationsPerInvoke = InMemorySagas, Description = "CommerceKit in memory: RunAsync, 3 steps")]
    public async Task InMemory()
    {
        for (var n = 0; n < InMemorySagas; n++)
        {
            await _memoryRunner.RunAsync<TrivialSaga, TrivialState>(NextId(), new TrivialState());
        }
    }

    private async Task FloorSagaAsync()
    {
        var id = NextId();
        await ExecuteAsync(_floorSql.Create, id, "TrivialSaga", 1, "running", StepNames[0], State, _journals[0], TimeSpan.FromSeconds(30));
        for (var done = 1; done <= StepNames.Length; done++)
        {
            var ended = done == StepNames.Length;
            await ExecuteAsync(
                _floorSql.Save, id, 1L, ended ? "completed" : "running", ended ? DBNull.Value : StepNames[done], DBNull.Value, DBNull.Value,
                State, _journals[done], TimeSpan.FromSeconds(30));
        }
    }

    private async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = _floor.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
        }
    }

    private string NextId() => $"saga-{Interlocked.Increment(ref _next)}";

    private static string Journal(int done)
    {
        var now = DateTimeOffset.UtcNow.ToString("O");
        return "[" + string.Join(',', StepNames.Select((name, step) => step < done
            ? $$"""{"name":"{{name}}","status":"Succeeded","attempts":1,"compensationAttempts":0,"startedAt":"{{now}}","endedAt":"{{now}}"}"""
            : $$"""{"name":"{{name}}","status":"Pending","attempts":0,"compensationAttempts":0}""")) + "]";
    }

    private ISagaRunner Runner(Action<SagasBuilder> backend, string? postgres)
    {
        var services = new ServiceCollection();
        var commerceKit = services.AddCommerceKit();
        if (postgres is not null)
        {
            commerceKit.AddPostgreSql(o =>
            {
                o.ConnectionString = _postgres.ConnectionString;
                o.Schema = postgres;
            });
        }

        commerceKit.AddSagas(sagas => backend(sagas.AddSaga<TrivialSaga>()));
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<ISagaRunner>();
    }

    public sealed class TrivialState
    {
        public string OrderId { get; set; } = "order-1";

        public int Amount { get; set; } = 4200;

        public int Steps { get; set; }
    }

    /// <summary>Three steps that change the state and return at once.</summary>
    public sealed class TrivialSaga : SagaDefinition<TrivialState>
    {
        protected override void Configure(ISagaBuilder<TrivialState> saga) => saga
            .Step("reserve", Advance, Advance)
            .Step("charge", Advance, Advance)
            .Step("confirm", Advance);

        private static Task Advance(SagaStepContext<TrivialState> context, CancellationToken cancellationToken)
        {
            context.State.Steps++;
            return Task.CompletedTask;
        }
    }
}
