using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.LeaseHolder;
using CommerceKit.Sagas;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommerceKit.PostgreSql.Tests.Sagas;

/// <summary>Saga runners in processes of their own, killed with SIGKILL mid-step: every saga still ends, elsewhere.</summary>
public sealed class PostgreSqlSagaCrashTests(PostgreSqlServerFixture postgres) : IClassFixture<PostgreSqlServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);
    private readonly string _schema = "saga_crash_" + Guid.NewGuid().ToString("N")[..10];
    private NpgsqlDataSource _log = null!;

    public async Task InitializeAsync()
    {
        _log = NpgsqlDataSource.Create(postgres.ConnectionString);
        await using var command = _log.CreateCommand(SagaStepLog.CreateTableSql(_schema));
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync() => await _log.DisposeAsync();

    [Fact]
    public async Task A_process_killed_mid_step_has_its_saga_finished_by_another_instance_which_reruns_that_step_with_the_same_key()
    {
        using (var child = await LeaseHolderProcess.StartAsync(Runner("hold", "order-1", from: 0, count: 1, lease: TimeSpan.FromSeconds(2))))
        {
            child.Kill();
        }

        await using var survivor = Services("survivor");
        var runner = survivor.GetRequiredService<ISagaRunner>();
        var result = await runner.WaitAsync("order-1").WaitAsync(Deadline);

        Assert.Equal(SagaStatus.Completed, result!.Status);
        var calls = await ReadLogAsync();
        var charges = calls.Where(call => call.Step == "charge").ToList();
        Assert.Equal(2, charges.Count);
        Assert.StartsWith("process-", charges[0].Instance);
        Assert.Equal("survivor", charges[1].Instance);
        Assert.Equal(["order-1:charge"], charges.Select(call => call.Key).Distinct());
        Assert.Equal(["process"], calls.Where(call => call.Step == "reserve").Select(call => call.Instance[..7]));
        Assert.Equal(["survivor"], calls.Where(call => call.Step == "confirm").Select(call => call.Instance));
        var saga = await runner.GetAsync("order-1");
        Assert.Equal(3, saga!.GetState<LoggedState>().Steps);
    }

    [Fact]
    public async Task A_thousand_sagas_across_three_processes_all_end_when_one_process_is_killed()
    {
        const int Sagas = 1000;

        // Long enough that a live runner never loses a lease to a stall of the loaded CI machine (renewed every 2 s,
        // it survives a 6 s stall): a loaded run with 3 s leases saw live runners' sagas taken over and rerun.
        var lease = TimeSpan.FromSeconds(8);
        using var killed = await LeaseHolderProcess.StartAsync(Runner("load", "bulk", from: 0, count: 334, lease));
        using var second = await LeaseHolderProcess.StartAsync(Runner("load", "bulk", from: 334, count: 333, lease));
        using var third = await LeaseHolderProcess.StartAsync(Runner("load", "bulk", from: 667, count: 333, lease));

        // Its sagas (3 s a step) are mid-step now: the others must take them over once its leases run out.
        killed.Kill();
        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM \"{0}\".sagas WHERE status = 'completed'") == Sagas, Deadline, "every saga completed");

        var calls = await ReadLogAsync();
        Assert.Equal(Sagas * 3, calls.Select(call => call.Key).Distinct().Count());
        var killedName = $"process-{killed.ProcessId}";
        Assert.Contains(calls, call => call.Instance == killedName);
        var repeated = calls.GroupBy(call => call.Key).Where(group => group.Count() > 1).ToList();
        Assert.All(repeated, group => Assert.Equal(killedName, group.First().Instance));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM \"{0}\".sagas WHERE status <> 'completed'"));
    }

    private IReadOnlyList<string> Runner(string mode, string sagaId, int from, int count, TimeSpan lease) =>
        ["saga", "postgresql", postgres.ConnectionString, _schema, mode, sagaId, $"{from}", $"{count}", $"{(int)lease.TotalMilliseconds}"];

    private ServiceProvider Services(string instance)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(new SagaStepLog(_log, _schema, instance));
        services.AddCommerceKit()
            .AddPostgreSql(o =>
            {
                o.ConnectionString = postgres.ConnectionString;
                o.Schema = _schema;
            })
            .AddSagas(sagas => sagas.AddSaga<LoggedSaga>().UsePostgreSql().Configure(o => o.RecoveryInterval = TimeSpan.FromMilliseconds(200)));
        return services.BuildServiceProvider();
    }

    private async Task<List<(string Instance, string SagaId, string Step, int Attempt, string Key)>> ReadLogAsync()
    {
        var calls = new List<(string, string, string, int, string)>();
        await using var command = _log.CreateCommand($"SELECT instance, saga_id, step, attempt, idempotency_key FROM \"{_schema}\".saga_log ORDER BY called_at");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            calls.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4)));
        }

        return calls;
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var command = _log.CreateCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, _schema));
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
