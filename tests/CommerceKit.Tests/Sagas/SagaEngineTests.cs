using CommerceKit.ConformanceTests.Sagas;
using CommerceKit.Sagas;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace CommerceKit.Tests.Sagas;

/// <summary>What the runner does the same on every backend, checked in memory: options, metrics, a hosted start.</summary>
public sealed class SagaEngineTests
{
    [Fact]
    public async Task A_lease_renewed_no_sooner_than_it_runs_out_stops_the_host_at_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCommerceKit().AddSagas(sagas => sagas.Configure(o =>
        {
            o.Lease = TimeSpan.FromSeconds(10);
            o.LeaseRenewalInterval = TimeSpan.FromSeconds(10);
        }));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("LeaseRenewalInterval", error.Message);
    }

    [Fact]
    public async Task A_definition_with_duplicate_step_names_stops_the_host_at_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(new SagaScript());
        builder.Services.AddCommerceKit().AddSagas(sagas => sagas.AddSaga<DuplicateStepSaga>());
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => host.StartAsync());
        Assert.Contains("'same'", error.Message);
    }

    [Fact]
    public async Task Steps_retries_outcomes_and_sagas_by_status_are_measured()
    {
        using var recorder = new MeasurementRecorder("commercekit.saga.");
        var measurements = recorder.Measurements;

        var services = new ServiceCollection().AddLogging()
            .AddSingleton(new SagaScript()).AddSingleton(new InstanceName("metered")).AddScoped<AttemptScope>();
        services.AddCommerceKit().AddSagas(sagas => sagas.AddSaga<MeteredSaga>().Configure(o =>
        {
            o.StepRetryDelay = TimeSpan.Zero;
            o.MetricsInterval = TimeSpan.FromMilliseconds(50);
        }));
        await using var provider = services.BuildServiceProvider();
        var runner = provider.GetRequiredService<ISagaRunner>();

        await runner.RunAsync<MeteredSaga, ScriptState>("metered-1", new ScriptState { FailAt = "pay", FailTimes = 1 });
        await runner.RunAsync<MeteredSaga, ScriptState>("metered-2", new ScriptState { FailPermanentlyAt = "pay" });
        await Task.Delay(200);
        recorder.RecordObservables();

        var mine = measurements.Where(m => (string?)m.Tags.GetValueOrDefault("commercekit.saga.name") == "metered").ToList();
        Assert.Equal(4, mine.Count(m => m.Instrument == "commercekit.saga.step.duration" && (string?)m.Tags["commercekit.saga.outcome"] == "succeeded"));
        Assert.Single(mine, m => m.Instrument == "commercekit.saga.step.duration" && (string?)m.Tags["commercekit.saga.step"] == "pay" && (string?)m.Tags["commercekit.saga.outcome"] == "failed");
        Assert.Single(mine, m => m.Instrument == "commercekit.saga.step.retries" && (string?)m.Tags["commercekit.saga.step"] == "pay");
        Assert.Equal(["Compensated", "Completed"], mine.Where(m => m.Instrument == "commercekit.saga.ended").Select(m => (string)m.Tags["commercekit.saga.outcome"]!).Order());
        Assert.Contains(measurements, m => m.Instrument == "commercekit.saga.sagas" && (string?)m.Tags["commercekit.saga.status"] == "Completed" && m.Value >= 1);
    }

    [Fact]
    public async Task A_step_that_declines_is_logged_as_information_without_a_stack_trace_and_one_out_of_attempts_as_a_warning_with_its_exception()
    {
        var services = new ServiceCollection().AddFakeLogging()
            .AddSingleton(new SagaScript()).AddSingleton(new InstanceName("logged")).AddScoped<AttemptScope>();
        services.AddCommerceKit().AddSagas(sagas => sagas.AddSaga<MeteredSaga>().Configure(o =>
        {
            o.StepRetryDelay = TimeSpan.Zero;
            o.StepMaxAttempts = 2;
        }));
        await using var provider = services.BuildServiceProvider();
        var runner = provider.GetRequiredService<ISagaRunner>();

        await runner.RunAsync<MeteredSaga, ScriptState>("logged-declined", new ScriptState { FailPermanentlyAt = "pay" });
        await runner.RunAsync<MeteredSaga, ScriptState>("logged-exhausted", new ScriptState { FailAt = "pay", FailTimes = 5 });

        var logs = provider.GetFakeLogCollector().GetSnapshot();
        var declined = Assert.Single(logs, log => log.Id.Id == 811);
        Assert.Equal((LogLevel.Information, null), (declined.Level, declined.Exception));
        Assert.Contains("logged-declined", declined.Message);
        var exhausted = Assert.Single(logs, log => log.Id.Id == 802);
        Assert.Equal(LogLevel.Warning, exhausted.Level);
        Assert.NotNull(exhausted.Exception);
        Assert.Contains("logged-exhausted", exhausted.Message);
    }

    [Fact]
    public async Task A_timeout_that_fires_after_a_step_that_ignores_it_has_finished_is_ignored()
    {
        var script = new SagaScript
        {
            // The step ignores its token and finishes after its timeout fired: its success stands, with one attempt.
            Before = (call, _) => call.Step == "b" ? Task.Delay(400, CancellationToken.None) : Task.CompletedTask,
        };
        var services = new ServiceCollection().AddLogging()
            .AddSingleton(script).AddSingleton(new InstanceName("late")).AddScoped<AttemptScope>();
        services.AddCommerceKit().AddSagas(sagas => sagas.AddSaga<ScriptedSaga>().Configure(o => o.StepTimeout = TimeSpan.FromMilliseconds(100)));
        await using var provider = services.BuildServiceProvider();
        var runner = provider.GetRequiredService<ISagaRunner>();

        var result = await runner.RunAsync<ScriptedSaga, ScriptState>("late-1", new ScriptState());

        Assert.Equal(SagaStatus.Completed, result.Status);
        Assert.Single(script.CallsOf("late-1", "b"));
        Assert.Equal((SagaStepStatus.Succeeded, 1), ((await runner.GetAsync("late-1"))!.Journal[1].Status, (await runner.GetAsync("late-1"))!.Journal[1].Attempts));
    }

    /// <summary>A definition only this test uses, so that its measurements are its own.</summary>
    private sealed class MeteredSaga : SagaDefinition<ScriptState>
    {
        public override string Name => "metered";

        protected override void Configure(ISagaBuilder<ScriptState> saga) => saga
            .Step("reserve", (context, token) => SagaScript.RunAsync(context, false, token), (context, token) => SagaScript.RunAsync(context, true, token))
            .Step("pay", (context, token) => SagaScript.RunAsync(context, false, token));
    }
}
