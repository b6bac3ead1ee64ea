using System.Text;
using CommerceKit.Outbox;
using FsCheck;
using FsCheck.Fluent;

namespace CommerceKit.ConformanceTests.Outbox;

/// <summary>
/// Random interleavings of enqueues, claims by two dispatchers, publications, failures and hand-backs on three keys,
/// run against a real store beside a model. After every claim the store must have handed out exactly what the model
/// says: the heads of the first free keys in enqueue order, each with its key's next messages, never a message of a
/// key another dispatcher holds, with each message's attempt number.
/// </summary>
internal sealed class OutboxClaimModel(OutboxStore store, string prefix)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private static readonly string[] KeyNames = ["a", "b", "c"];

    private readonly List<Pending> _pending = [];
    private readonly Dictionary<string, List<Pending>> _held = [];

    public enum StepKind
    {
        Enqueue,
        Claim,
        Publish,
        Fail,
        Release,
    }

    public static Arbitrary<Step[]> Steps { get; } =
        (from kind in Gen.Elements(StepKind.Enqueue, StepKind.Enqueue, StepKind.Enqueue, StepKind.Claim, StepKind.Claim, StepKind.Publish, StepKind.Fail, StepKind.Release)
         from key in Gen.Choose(0, KeyNames.Length - 1)
         from dispatcher in Gen.Choose(1, 2)
         from maxKeys in Gen.Choose(1, 3)
         from perKey in Gen.Choose(1, 3)
         select new Step(kind, KeyNames[key], "d" + dispatcher, maxKeys, perKey))
        .ArrayOf()
        .Select(steps => steps.Take(30).ToArray())
        .ToArbitrary();

    /// <summary>Runs the steps, then leaves the store empty for the next run; answers the first difference, or null.</summary>
    public async Task<string?> RunAsync(IReadOnlyList<Step> steps)
    {
        try
        {
            for (var i = 0; i < steps.Count; i++)
            {
                if (await ApplyAsync(steps[i]) is { } difference)
                {
                    return $"step {i} ({steps[i]}): {difference}";
                }
            }

            return null;
        }
        finally
        {
            await DrainAsync();
        }
    }

    private async Task<string?> ApplyAsync(Step step)
    {
        var dispatcher = prefix + step.Dispatcher;
        switch (step.Kind)
        {
            case StepKind.Enqueue:
                var message = new OutboxMessage("ModelEvent", Encoding.UTF8.GetBytes(_pending.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                {
                    PartitionKey = prefix + step.Key,
                };
                await store.EnqueueAsync([message], default);
                _pending.Add(new Pending(message.Id, message.PartitionKey));
                return null;

            case StepKind.Claim:
                var claimed = await store.ClaimAsync(new OutboxClaim(dispatcher, step.MaxKeys, step.PerKey, Lease), default);
                var expected = ExpectedClaim(step.MaxKeys, step.PerKey);
                var got = claimed.Select(envelope => (envelope.Id, envelope.Attempt)).ToList();
                var want = expected.Select(pending => (pending.Id, pending.Failures + 1)).ToList();
                if (!got.OrderBy(pair => pair.Id).SequenceEqual(want.OrderBy(pair => pair.Id)))
                {
                    return $"claimed [{Describe(got)}], the model expected [{Describe(want)}]";
                }

                foreach (var key in expected.GroupBy(pending => pending.Key))
                {
                    if (!claimed.Where(envelope => envelope.PartitionKey == key.Key).Select(envelope => envelope.Id).SequenceEqual(key.Select(pending => pending.Id)))
                    {
                        return $"key {key.Key}'s messages were not handed out in enqueue order";
                    }
                }

                Held(dispatcher).AddRange(expected);
                return null;

            case StepKind.Publish:
                var published = Held(dispatcher);
                await store.MarkPublishedAsync([.. published.Select(pending => pending.Id)], default);
                _pending.RemoveAll(published.Contains);
                published.Clear();
                return null;

            case StepKind.Fail:
                var held = Held(dispatcher);
                if (held.Count == 0)
                {
                    return null;
                }

                // The first held message failed: it waits for a retry (due at once here) and the rest of its key goes back.
                var failed = held[0];
                var rest = held.Where(pending => pending.Key == failed.Key && pending != failed).ToList();
                await store.RetryLaterAsync(dispatcher, failed.Id, TimeSpan.Zero, "model failure", default);
                await store.ReleaseAsync(dispatcher, [.. rest.Select(pending => pending.Id)], default);
                failed.Failures++;
                held.RemoveAll(pending => pending.Key == failed.Key);
                return null;

            default:
                var handedBack = Held(dispatcher);
                await store.ReleaseAsync(dispatcher, [.. handedBack.Select(pending => pending.Id)], default);
                handedBack.Clear();
                return null;
        }
    }

    // The first free keys by their head's enqueue order, each with its next messages.
    private List<Pending> ExpectedClaim(int maxKeys, int perKey)
    {
        var busy = _held.Values.SelectMany(held => held).Select(pending => pending.Key).ToHashSet();
        return [.. _pending
            .GroupBy(pending => pending.Key)
            .Where(key => !busy.Contains(key.Key))
            .Take(maxKeys)
            .SelectMany(key => key.Take(perKey))];
    }

    private List<Pending> Held(string dispatcher) => _held.TryGetValue(dispatcher, out var held) ? held : _held[dispatcher] = [];

    private async Task DrainAsync()
    {
        foreach (var (dispatcher, held) in _held)
        {
            await store.ReleaseAsync(dispatcher, [.. held.Select(pending => pending.Id)], default);
        }

        while (await store.ClaimAsync(new OutboxClaim(prefix + "drain", 100, 100, Lease), default) is { Count: > 0 } rest)
        {
            await store.MarkPublishedAsync([.. rest.Select(envelope => envelope.Id)], default);
        }
    }

    private static string Describe(IEnumerable<(Guid Id, int Attempt)> claim) =>
        string.Join(", ", claim.Select(pair => $"{pair.Id.ToString()[^4..]}#{pair.Attempt}"));

    public sealed record Step(StepKind Kind, string Key, string Dispatcher, int MaxKeys, int PerKey);

    private sealed class Pending(Guid id, string key)
    {
        public Guid Id => id;

        public string Key => key;

        public int Failures { get; set; }
    }
}
