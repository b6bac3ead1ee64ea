using CommerceKit.LeaseHolder;
using CommerceKit.Sagas;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

/// <summary>A saga runner in a process of its own, running <see cref="LoggedSaga"/>, for the saga crash tests.</summary>
internal static class SagaRunnerProcess
{
    /// <summary>
    /// "hold": starts saga <paramref name="sagaId"/> and prints "acquired 1" from inside its charge step, which never
    /// returns. "load": starts sagas <c>&lt;sagaId&gt;-&lt;from&gt;</c> … (<paramref name="count"/> of them, 3 s per
    /// step, so that they overlap across processes started one after another), prints "acquired 1" once all are started, and keeps running them and recovering others'.
    /// </summary>
    public static async Task<int> RunAsync(string connectionString, string schema, string mode, string sagaId, int from, int count, int leaseMs)
    {
        // Three of these run beside the other tests on one server: each keeps to a few connections.
        connectionString += ";Maximum Pool Size=10";
        await using var log = NpgsqlDataSource.Create(connectionString);
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(new SagaStepLog(log, schema, $"process-{Environment.ProcessId}")
        {
            HoldAt = mode == "hold" ? "charge" : null,
            StepDelay = TimeSpan.FromMilliseconds(mode == "load" ? 3000 : 0),
        });
        services.AddCommerceKit()
            .AddPostgreSql(o =>
            {
                o.ConnectionString = connectionString;
                o.Schema = schema;
                o.OperationTimeout = TimeSpan.FromSeconds(30);
            })
            .AddSagas(sagas => sagas.AddSaga<LoggedSaga>().UsePostgreSql().Configure(o =>
            {
                o.Lease = TimeSpan.FromMilliseconds(leaseMs);
                o.LeaseRenewalInterval = TimeSpan.FromMilliseconds(leaseMs / 4);
                o.RecoveryInterval = TimeSpan.FromMilliseconds(500);
            }));
        await using var provider = services.BuildServiceProvider();
        var runner = provider.GetRequiredService<ISagaRunner>();
        if (mode == "hold")
        {
            await runner.StartAsync<LoggedSaga, LoggedState>(sagaId, new LoggedState());
        }
        else
        {
            await Task.WhenAll(Enumerable.Range(from, count).Select(n => runner.StartAsync<LoggedSaga, LoggedState>($"{sagaId}-{n}", new LoggedState())));
            Console.WriteLine("acquired 1");
        }

        await Task.Delay(Timeout.Infinite);
        return 1;
    }
}
