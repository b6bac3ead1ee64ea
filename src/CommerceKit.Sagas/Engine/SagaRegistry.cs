using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommerceKit.Sagas.Engine;

/// <summary>A definition type registered with <c>sagas.AddSaga&lt;TSaga&gt;()</c>.</summary>
internal sealed record SagaRegistration(Type DefinitionType);

/// <summary>
/// The definitions this instance knows, built once (so a duplicate step name fails when the first saga is started or
/// the host starts), found by type to start a saga and by name and version to resume one.
/// </summary>
internal sealed class SagaRegistry
{
    private readonly Dictionary<Type, SagaPlan> _byType = [];
    private readonly Dictionary<(string Name, int Version), SagaPlan> _byVersion = [];

    public SagaRegistry(IEnumerable<SagaRegistration> registrations, IServiceProvider services, IOptions<SagaOptions> options, TimeProvider timeProvider)
    {
        var pipelines = new SagaPipelines(options.Value, timeProvider);
        foreach (var type in registrations.Select(registration => registration.DefinitionType).Distinct())
        {
            var definition = (SagaDefinition)ActivatorUtilities.GetServiceOrCreateInstance(services, type);
            var plan = definition.BuildPlan(pipelines);
            if (_byVersion.TryGetValue((plan.Name, plan.Version), out var other))
            {
                throw new InvalidOperationException(
                    $"Saga definitions {other.DefinitionType.Name} and {type.Name} are both {plan.Describe()}: give the newer one a higher Version.");
            }

            _byType.Add(type, plan);
            _byVersion.Add((plan.Name, plan.Version), plan);
        }
    }

    public SagaPlan Get(Type definitionType) =>
        _byType.GetValueOrDefault(definitionType)
        ?? throw new InvalidOperationException($"Saga {definitionType.Name} is not registered: add sagas.AddSaga<{definitionType.Name}>() to AddSagas(…).");

    public SagaPlan? Find(string name, int version) => _byVersion.GetValueOrDefault((name, version));

    /// <summary>Why a stored saga cannot run on this instance; <see langword="null"/> when it can, on <paramref name="plan"/>.</summary>
    public string? CannotRun(SagaSnapshot saga, out SagaPlan? plan)
    {
        plan = Find(saga.SagaName, saga.Version);
        if (plan is null)
        {
            var known = _byVersion.Keys.Where(key => key.Name == saga.SagaName).Select(key => key.Version).Order().ToList();
            return known.Count == 0
                ? $"Saga definition '{saga.SagaName}' is not registered on this instance."
                : $"Saga definition '{saga.SagaName}' version {saga.Version} is not registered on this instance (registered: {string.Join(", ", known)}); register it again to resume the saga.";
        }

        return saga.Journal.Select(step => step.Name).SequenceEqual(plan.StepNames)
            ? null
            : $"Saga definition {plan.Describe()} has steps [{string.Join(", ", plan.StepNames)}] but the saga recorded [{string.Join(", ", saga.Journal.Select(step => step.Name))}]: a definition whose steps change needs a new Version.";
    }
}
