using CommerceKit.Caching;
using CommerceKit.Caching.Engine;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CommerceKit.Tests.Caching;

/// <summary>
/// The in-process cache against a model, for random sequences of set, get-or-create, remove, remove-by-tag and time
/// passing on three keys and two tags: after every step each key answers what the model says (value, fresh or stale,
/// or nothing), and a get-or-create runs its factory exactly when the model has no fresh value.
/// </summary>
public sealed class CacheModelProperties
{
    private static readonly string[] Keys = ["a", "b", "c"];
    private static readonly string[] AllTags = ["t1", "t2"];

    private static readonly Arbitrary<Step[]> Steps =
        (from kind in Gen.Elements(StepKind.Set, StepKind.Set, StepKind.GetOrCreate, StepKind.GetOrCreate, StepKind.Remove, StepKind.RemoveByTag, StepKind.Wait, StepKind.Wait)
         from key in Gen.Elements(Keys)
         from value in Gen.Choose(0, 1000)
         from seconds in Gen.Choose(1, 6)
         from failSafe in Gen.Elements(false, true)
         from tagMask in Gen.Choose(0, 3)
         select new Step(kind, key, value, seconds, failSafe, tagMask))
        .ArrayOf()
        .ToArbitrary();

    private enum StepKind
    {
        Set,
        GetOrCreate,
        Remove,
        RemoveByTag,
        Wait,
    }

    [Property(MaxTest = 300)]
    public Property The_cache_answers_as_the_model_after_every_step() =>
        Prop.ForAll(Steps, async steps => await RunAsync(steps) is null).Label("first step that differs from the model");

    private static async Task<string?> RunAsync(Step[] steps)
    {
        var time = new FakeTimeProvider();
        using var cache = new CacheAside(Options.Create(new CachingOptions()), time);
        var model = new Dictionary<string, Entry>();
        var tagVersions = AllTags.ToDictionary(t => t, _ => 0);

        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            var now = time.GetUtcNow();
            var options = new CacheEntryOptions
            {
                Duration = TimeSpan.FromSeconds(step.Seconds),
                FailSafeMaxDuration = step.FailSafe ? TimeSpan.FromSeconds(10) : TimeSpan.Zero,
                Tags = [.. AllTags.Where((_, bit) => (step.TagMask & (1 << bit)) != 0)],
                EarlyRefreshBeta = 0,
            };
            Entry NewEntry() => new(step.Value, now + options.Duration, now + (step.FailSafe ? TimeSpan.FromSeconds(10) : options.Duration), options.Tags.ToDictionary(t => t, t => tagVersions[t]));

            switch (step.Kind)
            {
                case StepKind.Set:
                    await cache.SetAsync(step.Key, step.Value, options);
                    model[step.Key] = NewEntry();
                    break;

                case StepKind.GetOrCreate:
                    var fresh = model.TryGetValue(step.Key, out var known) && Usable(known, now, tagVersions) && now < known.Expires ? known : null;
                    var ran = false;
                    var answer = await cache.GetOrCreateAsync(step.Key, (_, _) => { ran = true; return ValueTask.FromResult(step.Value); }, options);
                    if (ran == fresh is not null || answer != (fresh?.Value ?? step.Value))
                    {
                        return $"step {i}: get-or-create of {step.Key} answered {answer} (factory ran: {ran}), the model {fresh?.Value}";
                    }

                    if (fresh is null)
                    {
                        model[step.Key] = NewEntry();
                    }

                    break;

                case StepKind.Remove:
                    await cache.RemoveAsync(step.Key);
                    model.Remove(step.Key);
                    break;

                case StepKind.RemoveByTag:
                    var tag = AllTags[step.Value % 2];
                    await cache.RemoveByTagAsync(tag);
                    tagVersions[tag]++;
                    break;

                case StepKind.Wait:
                    time.Advance(TimeSpan.FromMilliseconds(step.Value * 7));
                    break;
            }

            now = time.GetUtcNow();
            foreach (var key in Keys)
            {
                var read = await cache.TryGetAsync<int>(key);
                var expected = model.TryGetValue(key, out var entry) && Usable(entry, now, tagVersions) ? entry : null;
                if (read.HasValue != expected is not null
                    || (expected is not null && (read.Value != expected.Value || read.IsStale != now >= expected.Expires)))
                {
                    return $"step {i}: {key} read {(read.HasValue ? $"{read.Value} stale {read.IsStale}" : "nothing")}, the model {expected}";
                }
            }
        }

        return null;
    }

    private static bool Usable(Entry entry, DateTimeOffset now, Dictionary<string, int> tagVersions) =>
        now < entry.KeepUntil && entry.TagVersions.All(tag => tagVersions[tag.Key] == tag.Value);

    private sealed record Entry(int Value, DateTimeOffset Expires, DateTimeOffset KeepUntil, Dictionary<string, int> TagVersions);

    private readonly record struct Step(StepKind Kind, string Key, int Value, int Seconds, bool FailSafe, int TagMask);
}
