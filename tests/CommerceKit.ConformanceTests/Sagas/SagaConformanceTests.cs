using System.Diagnostics;
using CommerceKit.ConformanceTests.Coverage;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Sagas;

namespace CommerceKit.ConformanceTests.Sagas;

/// <summary>
/// What every saga backend must do under the runner: run steps in order, compensate in reverse on failure, retry with
/// one idempotency key, park and resume, abort, resume a frozen instance's saga elsewhere while fencing the frozen one
/// out, pin sagas to their definition's version, and list sagas for operators.
/// </summary>
[ConformanceSuite("Sagas", ConformanceBackend.InMemory, ConformanceBackend.PostgreSql)]
public abstract partial class SagaConformanceTests : BackendSuite<SagaBackend>
{
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    protected string Id(string name) => $"{name}-{_id}";

    [Fact]
    public async Task A_saga_runs_its_steps_in_order_and_completes_with_its_state_and_journal()
    {
        var script = new SagaScript();
        var runner = Backend.CreateInstance(script).Runner;

        var result = await runner.RunAsync<ScriptedSaga, ScriptState>(Id("order"), new ScriptState());

        Assert.Equal(new SagaResult(Id("order"), SagaStatus.Completed, null, null), result);
        var saga = await runner.GetAsync(Id("order"));
        Assert.NotNull(saga);
        Assert.Equal(("scripted", 1, SagaStatus.Completed, (string?)null), (saga.SagaName, saga.Version, saga.Status, saga.CurrentStep));
        Assert.Equal(["a", "b", "c"], saga.GetState<ScriptState>().Done);
        Assert.All(saga.Journal, step => Assert.Equal((SagaStepStatus.Succeeded, 1), (step.Status, step.Attempts)));
        Assert.Equal(["a", "b", "c"], saga.Journal.Select(step => step.Name));
        Assert.All(saga.Journal, step => Assert.True(step.StartedAt <= step.EndedAt));
        Assert.Equal(["a", "b", "c"], script.AppliedSteps(Id("order"), compensate: false));
        Assert.Equal([Id("order") + ":a", Id("order") + ":b", Id("order") + ":c"], script.Invocations.Select(call => call.IdempotencyKey));
    }

    [Fact]
    public async Task A_permanent_failure_compensates_the_completed_steps_in_reverse_order_and_not_the_failed_one()
    {
        var script = new SagaScript();
        var runner = Backend.CreateInstance(script).Runner;

        var result = await runner.RunAsync<ScriptedSaga, ScriptState>(Id("declined"), new ScriptState { FailPermanentlyAt = "c" });

        Assert.Equal((SagaStatus.Compensated, "c"), (result.Status, result.FailedStep));
        Assert.Contains("declined", result.Error);
        Assert.Equal(["b", "a"], script.AppliedSteps(Id("declined"), compensate: true));
        Assert.Single(script.CallsOf(Id("declined"), "c"));
        var saga = await runner.GetAsync(Id("declined"));
        Assert.Equal(
            [SagaStepStatus.Compensated, SagaStepStatus.Compensated, SagaStepStatus.Failed],
            saga!.Journal.Select(step => step.Status));
        Assert.Equal(["b", "a"], saga.GetState<ScriptState>().Undone);
        Assert.Equal(Id("declined") + ":b:compensate", script.CallsOf(Id("declined"), "b", compensate: true).Single().IdempotencyKey);
    }

    [Fact]
    public async Task A_failed_attempt_is_retried_with_the_same_idempotency_key_in_a_fresh_scope_and_its_state_changes_are_dropped()
    {
        var script = new SagaScript();
        var runner = Backend.CreateInstance(script).Runner;

        var result = await runner.RunAsync<ScriptedSaga, ScriptState>(Id("flaky"), new ScriptState { FailAt = "b", FailTimes = 2 });

        Assert.Equal(SagaStatus.Completed, result.Status);
        var calls = script.CallsOf(Id("flaky"), "b");
        Assert.Equal([1, 2, 3], calls.Select(call => call.Attempt));
        Assert.Single(calls.Select(call => call.IdempotencyKey).Distinct());
        Assert.Equal(3, calls.Select(call => call.Scope).Distinct().Count());
        var saga = await runner.GetAsync(Id("flaky"));
        Assert.Equal(3, saga!.Journal[1].Attempts);
        Assert.Contains("transient failure 2", saga.Journal[1].LastError);
        Assert.Equal(["a", "b", "c"], saga.GetState<ScriptState>().Done);
    }

    [Fact]
    public async Task A_step_that_uses_up_its_attempts_is_compensated_too_since_its_last_attempt_may_have_acted()
    {
        var script = new SagaScript();
        var runner = Backend.CreateInstance(script).Runner;

        var result = await runner.RunAsync<ScriptedSaga, ScriptState>(Id("gave-up"), new ScriptState { FailAt = "b", FailTimes = 100 });

        Assert.Equal((SagaStatus.Compensated, "b"), (result.Status, result.FailedStep));
        Assert.Equal(3, script.CallsOf(Id("gave-up"), "b").Count);
        Assert.Equal(["b", "a"], script.AppliedSteps(Id("gave-up"), compensate: true));
        var saga = await runner.GetAsync(Id("gave-up"));
        Assert.Equal((SagaStepStatus.Compensated, 3), (saga!.Journal[1].Status, saga.Journal[1].Attempts));
    }

    [Fact]
    public async Task An_attempt_that_times_out_is_cancelled_and_tried_again()
    {
        var script = new SagaScript
        {
            Before = async (call, token) =>
            {
                if (call.Step == "b" && call.Attempt == 1)
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
            },
        };
        var runner = Backend.CreateInstance(script, options => options.StepTimeout = TimeSpan.FromMilliseconds(300)).Runner;

        var result = await runner.RunAsync<ScriptedSaga, ScriptState>(Id("slow"), new ScriptState());

        Assert.Equal(SagaStatus.Completed, result.Status);
        var saga = await runner.GetAsync(Id("slow"));
        Assert.Equal(2, saga!.Journal[1].Attempts);
        Assert.Contains("Timeout", saga.Journal[1].LastError);
    }

    [Fact]
    public async Task A_compensation_that_keeps_failing_parks_the_saga_visibly_until_it_is_resumed()
    {
        var script = new SagaScript { CompensationBroken = true };
        var runner = Backend.CreateInstance(script).Runner;

        var parked = await runner.RunAsync<ScriptedSaga, ScriptState>(
            Id("stuck"), new ScriptState { FailPermanentlyAt = "c", CompensationFailsAt = "a" });

        Assert.Equal((SagaStatus.CompensationFailed, "c"), (parked.Status, parked.FailedStep));
        var saga = await runner.GetAsync(Id("stuck"));
        Assert.Equal("a", saga!.CurrentStep);
        Assert.Equal((SagaStepStatus.CompensationFailed, 3), (saga.Journal[0].Status, saga.Journal[0].CompensationAttempts));
        var listed = await runner.QueryAsync(new SagaQuery { Status = SagaStatus.CompensationFailed, CurrentStep = "a", SagaName = "scripted" });
        Assert.Contains(listed, found => found.SagaId == Id("stuck"));

        script.CompensationBroken = false;
        Assert.True(await runner.ResumeAsync(Id("stuck")));
        var resumed = await runner.WaitAsync(Id("stuck"));

        Assert.Equal(SagaStatus.Compensated, resumed!.Status);
        Assert.Equal(["b", "a"], script.AppliedSteps(Id("stuck"), compensate: true));
        Assert.Single(script.CallsOf(Id("stuck"), "b", compensate: true));
        Assert.False(await runner.ResumeAsync(Id("stuck")));
    }

    [Fact]
    public async Task An_operator_can_skip_a_parked_compensation_and_the_rest_is_compensated()
    {
        var script = new SagaScript { CompensationBroken = true };
        var runner = Backend.CreateInstance(script).Runner;
        await runner.RunAsync<ScriptedSaga, ScriptState>(Id("skip"), new ScriptState { FailPermanentlyAt = "c", CompensationFailsAt = "b" });

        Assert.True(await runner.SkipCompensationAsync(Id("skip"), "refunded by hand"));
        var result = await runner.WaitAsync(Id("skip"));

        Assert.Equal(SagaStatus.Compensated, result!.Status);
        var saga = await runner.GetAsync(Id("skip"));
        Assert.Equal((SagaStepStatus.CompensationSkipped, "Skipped: refunded by hand"), (saga!.Journal[1].Status, saga.Journal[1].LastError));
        Assert.Equal(["a"], script.AppliedSteps(Id("skip"), compensate: true));
        Assert.False(await runner.SkipCompensationAsync(Id("skip"), "again"));
    }

    [Fact]
    public async Task Starting_one_saga_id_many_times_on_two_instances_runs_one_saga()
    {
        var script = new SagaScript();
        var runners = new[] { Backend.CreateInstance(script).Runner, Backend.CreateInstance(script).Runner };

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(n =>
            runners[n % 2].RunAsync<ScriptedSaga, ScriptState>(Id("once"), new ScriptState())));

        Assert.All(results, result => Assert.Equal(SagaStatus.Completed, result.Status));
        Assert.Single(script.CallsOf(Id("once"), "a"));
        Assert.Single(script.CallsOf(Id("once"), "c"));
    }

    [Fact]
    public async Task Abort_lets_the_running_step_finish_then_compensates_it_and_the_steps_before()
    {
        var inStep = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var script = new SagaScript
        {
            Before = async (call, token) =>
            {
                if (call.Step == "b" && !call.Compensate)
                {
                    inStep.TrySetResult();
                    await release.Task.WaitAsync(token);
                }
            },
        };
        var runner = Backend.CreateInstance(script).Runner;
        await runner.StartAsync<ScriptedSaga, ScriptState>(Id("abort"), new ScriptState());
        await inStep.Task.WaitAsync(Deadline);

        Assert.True(await runner.AbortAsync(Id("abort"), "customer cancelled"));
        release.SetResult();
        var result = await runner.WaitAsync(Id("abort"));

        Assert.Equal((SagaStatus.Compensated, "Aborted: customer cancelled"), (result!.Status, result.Error));
        Assert.Equal(["b", "a"], script.AppliedSteps(Id("abort"), compensate: true));
        Assert.Empty(script.CallsOf(Id("abort"), "c"));
        Assert.Equal("customer cancelled", (await runner.GetAsync(Id("abort")))!.AbortReason);
        Assert.False(await runner.AbortAsync(Id("abort"), "again"));
        Assert.False(await runner.AbortAsync(Id("no-such-saga"), "nothing"));
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_the_saga_running_to_its_end()
    {
        var release = new TaskCompletionSource();
        using var wait = new CancellationTokenSource();
        var script = new SagaScript
        {
            // The caller gives up while step b runs.
            Before = (call, token) =>
            {
                if (call.Step != "b")
                {
                    return Task.CompletedTask;
                }

                wait.Cancel();
                return release.Task.WaitAsync(token);
            },
        };
        var runner = Backend.CreateInstance(script).Runner;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            runner.RunAsync<ScriptedSaga, ScriptState>(Id("waited"), new ScriptState(), wait.Token));
        Assert.Equal(SagaStatus.Running, (await runner.GetAsync(Id("waited")))!.Status);
        release.SetResult();

        Assert.Equal(SagaStatus.Completed, (await runner.WaitAsync(Id("waited")))!.Status);
    }

    [Fact]
    public async Task The_saga_of_a_frozen_instance_is_resumed_elsewhere_at_the_interrupted_step_with_the_same_idempotency_key()
    {
        var frozen = new TaskCompletionSource();
        var script = new SagaScript
        {
            // The first call of b applies its effect and then never returns: its instance froze mid-step.
            After = async (call, token) =>
            {
                if (call.Step == "b" && frozen.TrySetResult())
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
            },
        };
        var first = Backend.CreateFrozenInstance(script);
        await first.Runner.StartAsync<ScriptedSaga, ScriptState>(Id("crash"), new ScriptState());
        await frozen.Task.WaitAsync(Deadline);
        var second = Backend.CreateInstance(script);

        var result = await second.Runner.WaitAsync(Id("crash")).WaitAsync(Deadline);

        Assert.Equal(SagaStatus.Completed, result!.Status);
        var calls = script.CallsOf(Id("crash"), "b");
        Assert.Equal([first.Name, second.Name], calls.Select(call => call.Instance));
        Assert.Single(calls.Select(call => call.IdempotencyKey).Distinct());
        Assert.Single(script.CallsOf(Id("crash"), "a"));
        Assert.Equal(second.Name, script.CallsOf(Id("crash"), "c").Single().Instance);
        Assert.Equal(["a", "b", "c"], (await second.Runner.GetAsync(Id("crash")))!.GetState<ScriptState>().Done);
    }

    [Fact]
    public async Task A_paused_former_owner_that_wakes_up_is_fenced_out_and_runs_no_further_step()
    {
        var paused = new TaskCompletionSource();
        var wake = new TaskCompletionSource();
        var script = new SagaScript
        {
            After = async (call, token) =>
            {
                if (call.Step == "b" && paused.TrySetResult())
                {
                    await wake.Task.WaitAsync(token);
                }
            },
        };
        var former = Backend.CreateFrozenInstance(script);
        await former.Runner.StartAsync<ScriptedSaga, ScriptState>(Id("fenced"), new ScriptState());
        await paused.Task.WaitAsync(Deadline);
        var owner = Backend.CreateInstance(script);
        var result = await owner.Runner.WaitAsync(Id("fenced")).WaitAsync(Deadline);
        var finished = await owner.Runner.GetAsync(Id("fenced"));

        wake.SetResult();
        await Task.Delay(500);

        Assert.Equal(SagaStatus.Completed, result!.Status);
        var after = await owner.Runner.GetAsync(Id("fenced"));
        Assert.Equal(finished! with { Journal = [] }, after! with { Journal = [] });
        Assert.Equal(finished.Journal, after.Journal);
        Assert.Equal([owner.Name], script.CallsOf(Id("fenced"), "c").Select(call => call.Instance));
        Assert.DoesNotContain(script.Invocations, call => call.Compensate);
    }

    [Fact]
    public async Task A_saga_resumes_on_the_version_it_started_on_and_is_parked_where_that_version_is_not_registered()
    {
        var froze = new TaskCompletionSource();
        var script = new SagaScript
        {
            Before = async (call, token) =>
            {
                if (call.Step == "b" && froze.TrySetResult())
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
            },
        };
        var v1 = Backend.CreateFrozenInstance(script);
        await v1.Runner.StartAsync<ScriptedSaga, ScriptState>(Id("pinned"), new ScriptState());
        await froze.Task.WaitAsync(Deadline);

        // A deploy with version 2 only: the version-1 saga is parked with the reason, not run on version 2's steps.
        var v2Only = Backend.CreateInstance(script, sagas: s => s.AddSaga<ScriptedSagaV2>());
        var parked = await v2Only.Runner.WaitAsync(Id("pinned")).WaitAsync(Deadline);
        Assert.Equal(SagaStatus.Parked, parked!.Status);
        Assert.Contains("version 1 is not registered", parked.Error);
        Assert.DoesNotContain(script.Invocations, call => call.Step is "b2" or "d");
        await Assert.ThrowsAsync<InvalidOperationException>(() => v2Only.Runner.ResumeAsync(Id("pinned")));

        // A deploy that keeps version 1 beside version 2 resumes it on version 1; new sagas start on version 2.
        var both = Backend.CreateInstance(script, sagas: s => s.AddSaga<ScriptedSaga>().AddSaga<ScriptedSagaV2>());
        Assert.True(await both.Runner.ResumeAsync(Id("pinned")));
        var resumed = await both.Runner.WaitAsync(Id("pinned"));
        var v2 = await both.Runner.RunAsync<ScriptedSagaV2, ScriptState>(Id("new"), new ScriptState());

        Assert.Equal(SagaStatus.Completed, resumed!.Status);
        var saga = await both.Runner.GetAsync(Id("pinned"));
        Assert.Equal((1, "a b c"), (saga!.Version, string.Join(' ', saga.GetState<ScriptState>().Done)));
        Assert.Equal(SagaStatus.Completed, v2.Status);
        Assert.Equal((2, "a b2 c d"), ((await both.Runner.GetAsync(Id("new")))!.Version, string.Join(' ', (await both.Runner.GetAsync(Id("new")))!.GetState<ScriptState>().Done)));
    }

    [Fact]
    public async Task A_saga_whose_definition_this_instance_does_not_know_is_parked_not_crashing_the_runner()
    {
        var froze = new TaskCompletionSource();
        var script = new SagaScript
        {
            Before = async (call, token) =>
            {
                if (froze.TrySetResult())
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
            },
        };
        var writer = Backend.CreateFrozenInstance(script, s => s.AddSaga<OtherSaga>());
        await writer.Runner.StartAsync<OtherSaga, ScriptState>(Id("unknown"), new ScriptState());
        await froze.Task.WaitAsync(Deadline);

        var stranger = Backend.CreateInstance(script);
        var parked = await stranger.Runner.WaitAsync(Id("unknown")).WaitAsync(Deadline);
        var after = await stranger.Runner.RunAsync<ScriptedSaga, ScriptState>(Id("after"), new ScriptState());

        Assert.Equal(SagaStatus.Parked, parked!.Status);
        Assert.Contains("'OtherSaga' is not registered", parked.Error);
        Assert.Equal(SagaStatus.Completed, after.Status);
    }

    [Fact]
    public async Task Sagas_are_listed_by_status_current_step_and_no_progress_since()
    {
        var hold = new TaskCompletionSource();
        var script = new SagaScript { Before = (call, token) => call.Step == "b" && call.SagaId == Id("held") ? hold.Task.WaitAsync(token) : Task.CompletedTask };
        var runner = Backend.CreateInstance(script).Runner;
        await runner.RunAsync<ScriptedSaga, ScriptState>(Id("done"), new ScriptState());
        await runner.StartAsync<ScriptedSaga, ScriptState>(Id("held"), new ScriptState());
        await Eventually.HoldsAsync(async () => (await runner.GetAsync(Id("held")))?.CurrentStep == "b", Deadline, "held saga at step b");
        await Task.Delay(50);
        var since = DateTimeOffset.UtcNow.AddSeconds(5);

        var running = await runner.QueryAsync(new SagaQuery { Status = SagaStatus.Running, CurrentStep = "b", MaxCount = 1000 });
        var stale = await runner.QueryAsync(new SagaQuery { Status = SagaStatus.Running, NoProgressSince = since, MaxCount = 1000 });
        var fresh = await runner.QueryAsync(new SagaQuery { Status = SagaStatus.Running, NoProgressSince = DateTimeOffset.UtcNow.AddMinutes(-5), MaxCount = 1000 });
        var completed = await runner.QueryAsync(new SagaQuery { Status = SagaStatus.Completed, MaxCount = 1000 });

        Assert.Contains(running, saga => saga.SagaId == Id("held"));
        Assert.DoesNotContain(running, saga => saga.SagaId == Id("done"));
        Assert.Contains(stale, saga => saga.SagaId == Id("held"));
        Assert.DoesNotContain(fresh, saga => saga.SagaId == Id("held"));
        Assert.Contains(completed, saga => saga.SagaId == Id("done"));
        hold.SetResult();
        Assert.Equal(SagaStatus.Completed, (await runner.WaitAsync(Id("held")))!.Status);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_an_argument_exception_naming_the_parameter()
    {
        var script = new SagaScript();
        var runner = Backend.CreateInstance(script, sagas: s => s.AddSaga<ScriptedSaga>().AddSaga<OtherSaga>()).Runner;
        await runner.RunAsync<OtherSaga, ScriptState>(Id("taken"), new ScriptState());

        Assert.Equal("sagaId", (await Assert.ThrowsAnyAsync<ArgumentException>(() => runner.StartAsync<ScriptedSaga, ScriptState>("", new ScriptState()))).ParamName);
        Assert.Equal("sagaId", (await Assert.ThrowsAnyAsync<ArgumentException>(() => runner.StartAsync<ScriptedSaga, ScriptState>("a\nb", new ScriptState()))).ParamName);
        Assert.Equal("sagaId", (await Assert.ThrowsAnyAsync<ArgumentException>(() => runner.StartAsync<ScriptedSaga, ScriptState>(Id("taken"), new ScriptState()))).ParamName);
        Assert.Equal("initialState", (await Assert.ThrowsAnyAsync<ArgumentException>(() => runner.StartAsync<ScriptedSaga, ScriptState>(Id("null"), null!))).ParamName);
        Assert.Equal("reason", (await Assert.ThrowsAnyAsync<ArgumentException>(() => runner.AbortAsync(Id("taken"), " "))).ParamName);
        Assert.Equal("query", (await Assert.ThrowsAnyAsync<ArgumentException>(() => runner.QueryAsync(new SagaQuery { MaxCount = 0 }))).ParamName);
        await Assert.ThrowsAsync<InvalidOperationException>(() => runner.StartAsync<DuplicateStepSaga, ScriptState>(Id("unregistered"), new ScriptState()));
        Assert.Null(await runner.GetAsync(Id("unregistered")));

        var duplicate = Backend.CreateInstance(script, sagas: s => s.AddSaga<DuplicateStepSaga>());
        Assert.Equal("name", Assert.ThrowsAny<ArgumentException>(() => duplicate.Runner).ParamName);
    }

    [Fact]
    public async Task An_instance_that_stops_hands_its_running_sagas_over_at_once_not_after_its_lease()
    {
        var stopping = new TaskCompletionSource();
        var script = new SagaScript
        {
            Before = async (call, token) =>
            {
                if (call.Step == "b" && call.Instance == "instance-1")
                {
                    stopping.TrySetResult();
                    await Task.Delay(Timeout.Infinite, token);
                }
            },
        };
        var leaving = Backend.CreateInstance(script, options => options.Lease = TimeSpan.FromMinutes(5));
        await leaving.Runner.StartAsync<ScriptedSaga, ScriptState>(Id("handed-over"), new ScriptState());
        await stopping.Task.WaitAsync(Deadline);
        var staying = Backend.CreateInstance(script);

        await ((IAsyncDisposable)leaving.Services).DisposeAsync();
        var result = await staying.Runner.WaitAsync(Id("handed-over")).WaitAsync(Deadline);

        Assert.Equal(SagaStatus.Completed, result!.Status);
        Assert.Equal(["instance-1", staying.Name], script.CallsOf(Id("handed-over"), "b").Select(call => call.Instance));
    }

    [Fact]
    public async Task Each_saga_and_each_step_is_a_span()
    {
        var script = new SagaScript();
        var runner = Backend.CreateInstance(script).Runner;
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CommerceKitDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await runner.RunAsync<ScriptedSaga, ScriptState>(Id("traced"), new ScriptState { FailAt = "b", FailTimes = 1 });
        await Task.Delay(100);

        var mine = spans.Where(span => (string?)span.GetTagItem("commercekit.saga.id") == Id("traced")).ToList();
        var run = Assert.Single(mine, span => span.OperationName == "commercekit.saga.run");
        Assert.Equal("Completed", run.GetTagItem("commercekit.saga.outcome"));
        var steps = mine.Where(span => span.OperationName == "commercekit.saga.step").ToList();
        Assert.Equal(["a", "b", "c"], steps.Select(span => (string)span.GetTagItem("commercekit.saga.step")!));
        Assert.All(steps, span => Assert.Equal(run.SpanId, span.ParentSpanId));
        Assert.Equal(2, steps[1].GetTagItem("commercekit.saga.attempts"));
    }
}
