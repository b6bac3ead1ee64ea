using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Sagas;
using CommerceKit.Sagas;
using CommerceKit.TestServers;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.PostgreSql.Tests.Sagas;

/// <summary>Starts its own postgres, because it kills it: sagas cut off mid-step finish after the restart, nothing lost.</summary>
public sealed class PostgreSqlSagaOutageTests
{
    [Fact]
    public async Task With_postgres_killed_mid_step_starts_fail_clearly_and_every_running_saga_completes_after_the_restart()
    {
        const int Sagas = 20;
        await using var server = await PostgreSqlServer.StartAsync();
        var held = new SemaphoreSlim(0);
        var script = new SagaScript { Before = (call, token) => call.Step == "b" ? held.WaitAsync(token) : Task.CompletedTask };
        await using var services = new ServiceCollection().AddLogging()
            .AddSingleton(script).AddSingleton(new InstanceName("only")).AddScoped<AttemptScope>()
            .AddCommerceKit()
            .AddPostgreSql(o =>
            {
                o.ConnectionString = server.ConnectionString;
                o.RetryAttempts = 0;
            })
            .AddSagas(sagas => sagas.AddSaga<ScriptedSaga>().UsePostgreSql().Configure(o =>
            {
                o.Lease = TimeSpan.FromSeconds(2);
                o.LeaseRenewalInterval = TimeSpan.FromMilliseconds(500);
                o.RecoveryInterval = TimeSpan.FromMilliseconds(200);
            }))
            .Services.BuildServiceProvider();
        var runner = services.GetRequiredService<ISagaRunner>();
        for (var n = 0; n < Sagas; n++)
        {
            await runner.StartAsync<ScriptedSaga, ScriptState>($"outage-{n}", new ScriptState());
        }

        await Eventually.HoldsAsync(() => Task.FromResult(script.Invocations.Count(call => call.Step == "b") == Sagas), TimeSpan.FromSeconds(30), "every saga in step b");
        server.Kill();
        held.Release(int.MaxValue / 2);
        await Assert.ThrowsAsync<BackendUnavailableException>(() => runner.StartAsync<ScriptedSaga, ScriptState>("during-outage", new ScriptState()));
        await server.RestartAsync();

        foreach (var n in Enumerable.Range(0, Sagas))
        {
            SagaResult? result = null;
            await Eventually.BackendServesAsync(async () => result = await runner.WaitAsync($"outage-{n}").WaitAsync(TimeSpan.FromSeconds(60)), TimeSpan.FromSeconds(60));
            Assert.Equal(SagaStatus.Completed, result!.Status);
            Assert.Equal(["a", "b", "c"], script.AppliedSteps($"outage-{n}", compensate: false));
            Assert.Single(script.CallsOf($"outage-{n}", "c"));
        }
    }
}
