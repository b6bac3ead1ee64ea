using System.Text.Json;
using Polly;

namespace CommerceKit.Sagas.Engine;

/// <summary>A registered definition, built once: its steps with their resilience pipelines, and its state's JSON.</summary>
internal abstract class SagaPlan(string name, int version, Type definitionType, IReadOnlyList<string> stepNames)
{
    public string Name { get; } = name;

    public int Version { get; } = version;

    public Type DefinitionType { get; } = definitionType;

    public IReadOnlyList<string> StepNames { get; } = stepNames;

    public string Describe() => $"'{Name}' version {Version}";

    public abstract bool HasCompensation(int step);

    public abstract ResiliencePipeline Pipeline(int step, bool compensate);

    public abstract object ReadState(string json, JsonSerializerOptions options);

    public abstract string WriteState(object state, JsonSerializerOptions options);

    public abstract Task InvokeAsync(int step, bool compensate, object state, SagaAttempt attempt, IServiceProvider services, CancellationToken cancellationToken);
}

/// <summary>Who one attempt is for, as its step's context shows it.</summary>
internal readonly record struct SagaAttempt(string SagaId, string StepName, int Number, string IdempotencyKey);

internal sealed class SagaPlan<TState> : SagaPlan
    where TState : class
{
    private readonly IReadOnlyList<SagaStepList<TState>.StepDefinition> _steps;
    private readonly ResiliencePipeline[] _pipelines;
    private readonly ResiliencePipeline?[] _compensationPipelines;

    public SagaPlan(string name, int version, Type definitionType, SagaStepList<TState> steps, SagaPipelines pipelines)
        : base(name, version, definitionType, [.. steps.Steps.Select(step => step.Name)])
    {
        _steps = steps.Steps;
        _pipelines = [.. _steps.Select(step => pipelines.ForStep(step.Options))];
        _compensationPipelines = [.. _steps.Select(step => step.Compensate is null ? null : pipelines.ForCompensation(step.Options))];
    }

    public override bool HasCompensation(int step) => _steps[step].Compensate is not null;

    public override ResiliencePipeline Pipeline(int step, bool compensate) =>
        compensate ? _compensationPipelines[step]! : _pipelines[step];

    public override object ReadState(string json, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<TState>(json, options) ?? throw new JsonException("The saga's state is null.");

    public override string WriteState(object state, JsonSerializerOptions options) => JsonSerializer.Serialize((TState)state, options);

    public override Task InvokeAsync(int step, bool compensate, object state, SagaAttempt attempt, IServiceProvider services, CancellationToken cancellationToken)
    {
        var context = new SagaStepContext<TState>((TState)state, attempt.SagaId, attempt.StepName, attempt.Number, attempt.IdempotencyKey, services);
        var definition = _steps[step];
        return compensate ? definition.Compensate!(context, cancellationToken) : definition.Execute(context, cancellationToken);
    }
}

/// <summary>The steps a definition declares, checked as they are declared.</summary>
internal sealed class SagaStepList<TState> : ISagaBuilder<TState>
    where TState : class
{
    private readonly List<StepDefinition> _steps = [];

    public IReadOnlyList<StepDefinition> Steps => _steps;

    public int Count => _steps.Count;

    public ISagaBuilder<TState> Step(
        string name,
        Func<SagaStepContext<TState>, CancellationToken, Task> execute,
        Func<SagaStepContext<TState>, CancellationToken, Task>? compensate = null,
        SagaStepOptions? options = null)
    {
        KeyGuard.ThrowIfInvalid(name, maxLength: 100);
        ArgumentNullException.ThrowIfNull(execute);
        if (_steps.Any(step => step.Name == name))
        {
            throw new ArgumentException($"The saga already has a step named '{name}': step names must be unique.", nameof(name));
        }

        if (options is not null)
        {
            Validate(options);
        }

        _steps.Add(new StepDefinition(name, execute, compensate, options));
        return this;
    }

    private static void Validate(SagaStepOptions options)
    {
        if (options.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("A step's timeout must be positive.", nameof(options));
        }

        if (options.MaxAttempts is < 1)
        {
            throw new ArgumentException("A step needs at least one attempt.", nameof(options));
        }

        if (options.RetryDelay is { } delay && delay < TimeSpan.Zero)
        {
            throw new ArgumentException("A step's retry delay must not be negative.", nameof(options));
        }
    }

    public sealed record StepDefinition(
        string Name,
        Func<SagaStepContext<TState>, CancellationToken, Task> Execute,
        Func<SagaStepContext<TState>, CancellationToken, Task>? Compensate,
        SagaStepOptions? Options);
}
