using CommerceKit.Caching;
using FsCheck;
using FsCheck.Fluent;

namespace CommerceKit.ConformanceTests.Caching;

/// <summary>
/// Two cache instances against one model of the cache, for random sequences of set, get-or-create, remove and
/// remove-by-tag, each made on a random instance: after every step both instances come to answer what the model says
/// (within a second: invalidation travels by notice), and a get-or-create runs its factory exactly when the model has
/// no value. Values live an hour, so only the operations decide.
/// </summary>
internal sealed class CacheInstancesModel(IReadOnlyList<ICacheAside> instances, Func<string, string> name)
{
    private static readonly string[] Keys = ["a", "b", "c"];
    private static readonly string[] AllTags = ["t1", "t2"];
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, (int Value, string[] Tags)> _model = [];

    public static Arbitrary<Step[]> Steps { get; } =
        (from kind in Gen.Elements(StepKind.Set, StepKind.GetOrCreate, StepKind.GetOrCreate, StepKind.Remove, StepKind.RemoveByTag)
         from instance in Gen.Choose(0, 1)
         from key in Gen.Elements(Keys)
         from value in Gen.Choose(0, 1000)
         from tagMask in Gen.Choose(0, 3)
         select new Step(kind, instance, key, value, tagMask))
        .ArrayOf()
        .ToArbitrary();

    public enum StepKind
    {
        Set,
        GetOrCreate,
        Remove,
        RemoveByTag,
    }

    /// <summary>Runs the steps; answers the first difference from the model, or <see langword="null"/>.</summary>
    public async Task<string?> RunAsync(Step[] steps)
    {
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            var cache = instances[step.Instance];
            var key = name(step.Key);
            string[] tags = [.. AllTags.Where((_, bit) => (step.TagMask & (1 << bit)) != 0)];
            var options = new CacheEntryOptions { Duration = TimeSpan.FromHours(1), Tags = [.. tags.Select(name)], EarlyRefreshBeta = 0 };
            switch (step.Kind)
            {
                case StepKind.Set:
                    await cache.SetAsync(key, step.Value, options);
                    _model[step.Key] = (step.Value, tags);
                    break;

                case StepKind.GetOrCreate:
                    var known = _model.TryGetValue(step.Key, out var entry) ? entry.Value : (int?)null;
                    var ran = false;
                    var answer = await cache.GetOrCreateAsync(key, (_, _) => { ran = true; return ValueTask.FromResult(step.Value); }, options);
                    if (ran == known.HasValue || answer != (known ?? step.Value))
                    {
                        return $"step {i}: get-or-create of {step.Key} on instance {step.Instance} answered {answer} (factory ran: {ran}), the model {known}";
                    }

                    if (!known.HasValue)
                    {
                        _model[step.Key] = (step.Value, tags);
                    }

                    break;

                case StepKind.Remove:
                    await cache.RemoveAsync(key);
                    _model.Remove(step.Key);
                    break;

                case StepKind.RemoveByTag:
                    var tag = AllTags[step.Value % 2];
                    await cache.RemoveByTagAsync(name(tag));
                    foreach (var tagged in _model.Where(pair => pair.Value.Tags.Contains(tag)).Select(pair => pair.Key).ToList())
                    {
                        _model.Remove(tagged);
                    }

                    break;
            }

            if (await DifferenceAsync() is { } difference)
            {
                return $"step {i} ({step.Kind} of {step.Key} on instance {step.Instance}): {difference}";
            }
        }

        return null;
    }

    private async Task<string?> DifferenceAsync()
    {
        var deadline = DateTime.UtcNow + Convergence;
        while (true)
        {
            var difference = await ReadDifferenceAsync();
            if (difference is null || DateTime.UtcNow >= deadline)
            {
                return difference;
            }

            await Task.Delay(10);
        }
    }

    private async Task<string?> ReadDifferenceAsync()
    {
        for (var instance = 0; instance < instances.Count; instance++)
        {
            foreach (var key in Keys)
            {
                var read = await instances[instance].TryGetAsync<int>(name(key));
                var expected = _model.TryGetValue(key, out var entry) ? entry.Value : (int?)null;
                if (read.HasValue != expected.HasValue || (expected.HasValue && read.Value != expected))
                {
                    return $"instance {instance} read {key} as {(read.HasValue ? read.Value : "nothing")}, the model {expected?.ToString() ?? "nothing"}";
                }
            }
        }

        return null;
    }

    public readonly record struct Step(StepKind Kind, int Instance, string Key, int Value, int TagMask);
}
