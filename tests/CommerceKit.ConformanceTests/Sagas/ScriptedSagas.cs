using System.Collections.Concurrent;
using CommerceKit.Sagas;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.ConformanceTests.Sagas;

/// <summary>The state of the test sagas: what to fail, and what the steps did (persisted after each step).</summary>
public sealed class ScriptState
{
    public List<string> Done { get; set; } = [];

    public List<string> Undone { get; set; } = [];

    /// <summary>This step throws <see cref="SagaStepFailedException"/>.</summary>
    public string? FailPermanentlyAt { get; set; }

    /// <summary>This step fails its first <see cref="FailTimes"/> attempts.</summary>
    public string? FailAt { get; set; }

    public int FailTimes { get; set; }

    /// <summary>This step's compensation fails while <see cref="SagaScript.CompensationBroken"/>.</summary>
    public string? CompensationFailsAt { get; set; }
}

/// <summary>One call of a test step or compensation, as the script recorded it.</summary>
public sealed record Invocation(string SagaId, string Step, bool Compensate, int Attempt, string IdempotencyKey, Guid Scope, string Instance);

/// <summary>The instance a step ran on, registered per test instance.</summary>
public sealed record InstanceName(string Name);

/// <summary>A scoped service: a fresh id per attempt's scope.</summary>
public sealed class AttemptScope
{
    public Guid Id { get; } = Guid.NewGuid();
}

/// <summary>
/// What the test steps report and obey, shared by every instance of a test: the calls made, the effects applied by an
/// idempotent "external system" (once per idempotency key, in order), and hooks that hold or crash a step.
/// </summary>
public sealed class SagaScript
{
    private long _order;

    public ConcurrentQueue<Invocation> Invocations { get; } = new();

    /// <summary>Idempotency key → the order in which the external system first applied it.</summary>
    public ConcurrentDictionary<string, long> Applied { get; } = new();

    /// <summary>Idempotency key → how many calls completed their effect (more than one: deduplicated by the key).</summary>
    public ConcurrentDictionary<string, int> Completions { get; } = new();

    public volatile bool CompensationBroken;

    /// <summary>Runs before a step's effect.</summary>
    public Func<Invocation, CancellationToken, Task>? Before { get; set; }

    /// <summary>Runs after a step's effect, before the step returns.</summary>
    public Func<Invocation, CancellationToken, Task>? After { get; set; }

    public void Apply(string idempotencyKey)
    {
        Applied.TryAdd(idempotencyKey, Interlocked.Increment(ref _order));
        Completions.AddOrUpdate(idempotencyKey, 1, (_, count) => count + 1);
    }

    /// <summary>The steps whose execution (or compensation) the external system applied for a saga, in the order applied.</summary>
    public IReadOnlyList<string> AppliedSteps(string sagaId, bool compensate) =>
        [.. Applied
            .Where(entry => entry.Key.StartsWith(sagaId + ":", StringComparison.Ordinal) && entry.Key.EndsWith(":compensate", StringComparison.Ordinal) == compensate)
            .OrderBy(entry => entry.Value)
            .Select(entry => entry.Key.Split(':')[1])];

    public IReadOnlyList<Invocation> CallsOf(string sagaId, string step, bool compensate = false) =>
        [.. Invocations.Where(call => call.SagaId == sagaId && call.Step == step && call.Compensate == compensate)];

    /// <summary>The test step: records the call, obeys the state's failures and the hooks, applies its effect.</summary>
    public static async Task RunAsync(SagaStepContext<ScriptState> context, bool compensate, CancellationToken cancellationToken)
    {
        var script = context.Services.GetRequiredService<SagaScript>();
        var call = new Invocation(
            context.SagaId, context.StepName, compensate, context.Attempt, context.IdempotencyKey,
            context.Services.GetRequiredService<AttemptScope>().Id, context.Services.GetRequiredService<InstanceName>().Name);
        script.Invocations.Enqueue(call);
        if (script.Before is { } before)
        {
            await before(call, cancellationToken);
        }

        var state = context.State;
        if (!compensate)
        {
            if (state.FailPermanentlyAt == context.StepName)
            {
                throw new SagaStepFailedException("declined");
            }

            if (state.FailAt == context.StepName && context.Attempt <= state.FailTimes)
            {
                throw new InvalidOperationException($"transient failure {context.Attempt}");
            }

            state.Done.Add(context.StepName);
        }
        else
        {
            if (script.CompensationBroken && state.CompensationFailsAt == context.StepName)
            {
                throw new InvalidOperationException("compensation failed");
            }

            state.Undone.Add(context.StepName);
        }

        script.Apply(context.IdempotencyKey);
        if (script.After is { } after)
        {
            await after(call, cancellationToken);
        }
    }
}

/// <summary>Three steps, each compensated: a, b, c.</summary>
public sealed class ScriptedSaga : SagaDefinition<ScriptState>
{
    public override string Name => "scripted";

    protected override void Configure(ISagaBuilder<ScriptState> saga) => saga
        .Step("a", Execute, Compensate)
        .Step("b", Execute, Compensate)
        .Step("c", Execute, Compensate);

    internal static Task Execute(SagaStepContext<ScriptState> context, CancellationToken cancellationToken) =>
        SagaScript.RunAsync(context, compensate: false, cancellationToken);

    internal static Task Compensate(SagaStepContext<ScriptState> context, CancellationToken cancellationToken) =>
        SagaScript.RunAsync(context, compensate: true, cancellationToken);
}

/// <summary>Version 2 of <see cref="ScriptedSaga"/>: b became b2, and d was added.</summary>
public sealed class ScriptedSagaV2 : SagaDefinition<ScriptState>
{
    public override string Name => "scripted";

    public override int Version => 2;

    protected override void Configure(ISagaBuilder<ScriptState> saga) => saga
        .Step("a", ScriptedSaga.Execute, ScriptedSaga.Compensate)
        .Step("b2", ScriptedSaga.Execute, ScriptedSaga.Compensate)
        .Step("c", ScriptedSaga.Execute, ScriptedSaga.Compensate)
        .Step("d", ScriptedSaga.Execute);
}

/// <summary>Another definition, for saga-id clashes and unknown types.</summary>
public sealed class OtherSaga : SagaDefinition<ScriptState>
{
    protected override void Configure(ISagaBuilder<ScriptState> saga) => saga.Step("only", ScriptedSaga.Execute);
}

/// <summary>A definition with a mistake: two steps named alike.</summary>
public sealed class DuplicateStepSaga : SagaDefinition<ScriptState>
{
    protected override void Configure(ISagaBuilder<ScriptState> saga) => saga
        .Step("same", ScriptedSaga.Execute)
        .Step("same", ScriptedSaga.Execute);
}
