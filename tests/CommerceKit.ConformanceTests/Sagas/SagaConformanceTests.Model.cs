using System.Collections.Concurrent;
using CommerceKit.Sagas;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CommerceKit.ConformanceTests.Sagas;

/// <summary>
/// The sagas' property: whatever step fails (for good, or by using up its attempts) and wherever the instance running
/// the saga freezes (before or after a step's or compensation's effect), the saga ends with every step done, or with the
/// steps that may have acted compensated in reverse order, each compensation applied once.
/// </summary>
public abstract partial class SagaConformanceTests
{
    private static readonly string[] StepNames = ["a", "b", "c"];

    private readonly Lazy<(SagaScript Script, SagaInstance Frozen, SagaInstance Survivor, ConcurrentDictionary<string, Scenario> Scenarios)> _model;

    protected SagaConformanceTests() => _model = new(CreateModel);

    public enum FailureKind
    {
        None,
        Permanent,
        RetriesExhausted,
    }

    /// <summary>One case: which step fails and how, and where the running instance freezes (if anywhere).</summary>
    public sealed record Scenario(FailureKind Failure, int FailingStep, bool Crash, bool CrashInCompensation, int CrashStep, bool CrashAfterEffect)
    {
        public int CrashedOnce;
    }

    public static Arbitrary<Scenario> Scenarios { get; } =
        (from failure in Gen.Elements(FailureKind.None, FailureKind.Permanent, FailureKind.RetriesExhausted)
         from failingStep in Gen.Choose(0, 2)
         from crash in Gen.Elements(true, true, false)
         from inCompensation in Gen.Elements(true, false)
         from crashStep in Gen.Choose(0, 2)
         from afterEffect in Gen.Elements(true, false)
         select new Scenario(failure, failingStep, crash, inCompensation, crashStep, afterEffect))
        .ToArbitrary();

    [Property(MaxTest = 20)]
    public Property Any_failure_and_any_freeze_ends_all_done_or_compensated_in_reverse_each_compensation_applied_once() =>
        Prop.ForAll(Scenarios, async scenario =>
        {
            var (script, frozen, survivor, scenarios) = _model.Value;
            var sagaId = Id("model-" + Guid.NewGuid().ToString("N")[..8]);
            scenarios[sagaId] = scenario;
            var failing = StepNames[scenario.FailingStep];
            var state = scenario.Failure switch
            {
                FailureKind.Permanent => new ScriptState { FailPermanentlyAt = failing },
                FailureKind.RetriesExhausted => new ScriptState { FailAt = failing, FailTimes = 100 },
                _ => new ScriptState(),
            };

            await frozen.Runner.StartAsync<ScriptedSaga, ScriptState>(sagaId, state);
            var result = await survivor.Runner.WaitAsync(sagaId).WaitAsync(Deadline);

            // The model: which steps end done, and which are undone (in reverse order).
            var lastWithEffect = scenario.Failure switch
            {
                FailureKind.None => 2,
                FailureKind.Permanent => scenario.FailingStep - 1,
                _ => scenario.FailingStep,
            };
            var expectedUndone = scenario.Failure == FailureKind.None ? [] : StepNames[..(lastWithEffect + 1)].Reverse().ToArray();
            var expectedDone = StepNames[..(scenario.Failure == FailureKind.None ? 3 : scenario.FailingStep)];

            Assert.Equal(scenario.Failure == FailureKind.None ? SagaStatus.Completed : SagaStatus.Compensated, result!.Status);
            Assert.Equal(scenario.Failure == FailureKind.None ? null : failing, result.FailedStep);
            Assert.Equal(expectedDone, script.AppliedSteps(sagaId, compensate: false));
            Assert.Equal(expectedUndone, script.AppliedSteps(sagaId, compensate: true));
            foreach (var step in StepNames)
            {
                // A step's effect completes twice only when its instance froze right after it (the key deduplicates it).
                var key = $"{sagaId}:{step}:compensate";
                var crashedHere = scenario.CrashedOnce == 1 && scenario.CrashInCompensation && StepNames[scenario.CrashStep] == step && scenario.CrashAfterEffect;
                Assert.True(script.Completions.GetValueOrDefault(key) <= (crashedHere ? 2 : 1), $"compensation of {step} completed too often");
            }

            var saga = await survivor.Runner.GetAsync(sagaId);
            Assert.Equal(expectedUndone, saga!.GetState<ScriptState>().Undone);
            return true;
        });

    private (SagaScript, SagaInstance, SagaInstance, ConcurrentDictionary<string, Scenario>) CreateModel()
    {
        var scenarios = new ConcurrentDictionary<string, Scenario>();
        var script = new SagaScript();
        script.Before = (call, token) => FreezeIfDue(scenarios, call, afterEffect: false, token);
        script.After = (call, token) => FreezeIfDue(scenarios, call, afterEffect: true, token);
        return (script, Backend.CreateFrozenInstance(script), Backend.CreateInstance(script), scenarios);
    }

    // The frozen instance stops for good at the scenario's point, once; the survivor then takes the saga over.
    private static Task FreezeIfDue(ConcurrentDictionary<string, Scenario> scenarios, Invocation call, bool afterEffect, CancellationToken token) =>
        scenarios.TryGetValue(call.SagaId, out var scenario)
        && scenario.Crash
        && scenario.CrashInCompensation == call.Compensate
        && StepNames[scenario.CrashStep] == call.Step
        && scenario.CrashAfterEffect == afterEffect
        && Interlocked.Exchange(ref scenario.CrashedOnce, 1) == 0
            ? Task.Delay(Timeout.Infinite, token)
            : Task.CompletedTask;
}
