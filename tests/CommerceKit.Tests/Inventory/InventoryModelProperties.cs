using CommerceKit.Inventory;
using CommerceKit.Inventory.InMemory;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CommerceKit.Tests.Inventory;

/// <summary>
/// The store against a model, for random interleavings of reserve, confirm, release, extend, expire (time passing)
/// and stock adjustments on two SKUs: the same answers and stock levels as the model at every step, available stock
/// never negative, and never more sold than was stocked.
/// </summary>
public sealed class InventoryModelProperties
{
    private static readonly string[] Skus = ["a", "b"];

    private static readonly Arbitrary<Step[]> Steps =
        (from kind in Gen.Elements(StepKind.Reserve, StepKind.Reserve, StepKind.Confirm, StepKind.Release, StepKind.Extend, StepKind.Adjust, StepKind.Wait)
         from id in Gen.Choose(0, 5)
         from quantityA in Gen.Choose(0, 3)
         from quantityB in Gen.Choose(0, 3)
         from milliseconds in Gen.OneOf(Gen.Choose(1, 1500), Gen.Elements(500, 1000))
         from delta in Gen.Choose(-3, 5)
         select new Step(kind, "r" + id, quantityA, quantityB, milliseconds, delta))
        .ArrayOf()
        .ToArbitrary();

    private enum StepKind
    {
        Reserve,
        Confirm,
        Release,
        Extend,
        Adjust,
        Wait,
    }

    [Property(MaxTest = 300)]
    public Property The_in_memory_store_behaves_like_the_model_and_never_oversells() =>
        Prop.ForAll(Steps, async steps => await RunAsync(steps) is null).Label("first step that differs from the model");

    private static async Task<string?> RunAsync(Step[] steps)
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryInventoryStore(time, Options.Create(new InventoryOptions()));
        var onHand = new Dictionary<string, long> { ["a"] = 0, ["b"] = 0 };
        var reserved = new Dictionary<string, long> { ["a"] = 0, ["b"] = 0 };
        var reservations = new Dictionary<string, ModelReservation>();
        long stocked = 0, sold = 0;

        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            var now = time.GetUtcNow();
            foreach (var held in reservations.Values.Where(r => r.Status == ReservationStatus.Held && r.ExpiresAt <= now))
            {
                End(held, ReservationStatus.Expired);
            }

            switch (step.Kind)
            {
                case StepKind.Reserve when step.QuantityA + step.QuantityB > 0:
                    var lines = new[] { ("a", step.QuantityA), ("b", step.QuantityB) }.Where(l => l.Item2 > 0).Select(l => new ReservationLine(l.Item1, l.Item2)).ToList();
                    var ttl = TimeSpan.FromMilliseconds(step.Milliseconds);
                    var result = await store.ReserveAsync(new ReservationRequest(step.Id, lines, ttl));
                    var expected = reservations.TryGetValue(step.Id, out var known) ? known.FirstExpiry
                        : lines.All(l => onHand[l.Sku] - reserved[l.Sku] >= l.Quantity) ? now + ttl
                        : (DateTimeOffset?)null;
                    if (result.IsReserved != expected.HasValue || (expected.HasValue && result.ExpiresAt != expected.Value))
                    {
                        return $"step {i}: reserve answered {result.Outcome} until {result.ExpiresAt}, the model {expected}";
                    }

                    if (known is null && expected.HasValue)
                    {
                        reservations[step.Id] = new ModelReservation(lines, now + ttl) { ExpiresAt = now + ttl };
                        lines.ForEach(l => reserved[l.Sku] += l.Quantity);
                    }

                    break;

                case StepKind.Confirm or StepKind.Release:
                    var final = step.Kind == StepKind.Confirm ? ReservationStatus.Confirmed : ReservationStatus.Released;
                    var status = final == ReservationStatus.Confirmed ? await store.ConfirmAsync(step.Id) : await store.ReleaseAsync(step.Id);
                    var modelStatus = ReservationStatus.NotFound;
                    if (reservations.TryGetValue(step.Id, out var target))
                    {
                        if (target.Status == ReservationStatus.Held)
                        {
                            End(target, final);
                        }

                        modelStatus = target.Status;
                    }

                    if (status != modelStatus)
                    {
                        return $"step {i}: {step.Kind} answered {status}, the model {modelStatus}";
                    }

                    break;

                case StepKind.Extend:
                    var extended = await store.ExtendAsync(step.Id, TimeSpan.FromMilliseconds(step.Milliseconds));
                    var modelExtended = reservations.TryGetValue(step.Id, out var extending) ? extending.Status : ReservationStatus.NotFound;
                    if (extending is { Status: ReservationStatus.Held })
                    {
                        extending.ExpiresAt = now + TimeSpan.FromMilliseconds(step.Milliseconds);
                    }

                    if (extended != modelExtended)
                    {
                        return $"step {i}: extend answered {extended}, the model {modelExtended}";
                    }

                    break;

                case StepKind.Adjust:
                    var sku = Skus[Math.Abs(step.Delta) % 2];
                    var allowed = onHand[sku] + step.Delta >= reserved[sku];
                    try
                    {
                        await store.AdjustStockAsync(sku, step.Delta);
                        if (!allowed)
                        {
                            return $"step {i}: an adjustment below the reserved units was accepted";
                        }

                        onHand[sku] += step.Delta;
                        stocked += Math.Max(0, step.Delta);
                    }
                    catch (InvalidOperationException) when (!allowed)
                    {
                    }

                    break;

                case StepKind.Wait:
                    time.Advance(TimeSpan.FromMilliseconds(step.Milliseconds));
                    break;
            }

            foreach (var name in Skus)
            {
                var level = await store.GetStockAsync(name);
                var modelReserved = reservations.Values.Where(r => r.Status == ReservationStatus.Held && r.ExpiresAt > time.GetUtcNow()).Sum(r => r.Quantity(name));
                if (level.Available < 0 || level.OnHand != onHand[name] || level.Reserved != modelReserved)
                {
                    return $"step {i}: {name} is {level}, the model has {onHand[name]} on hand and {reserved[name]} reserved";
                }
            }

            if (sold > stocked)
            {
                return $"step {i}: sold {sold} of {stocked} stocked";
            }
        }

        return null;

        void End(ModelReservation reservation, ReservationStatus final)
        {
            foreach (var line in reservation.Lines)
            {
                reserved[line.Sku] -= line.Quantity;
                if (final == ReservationStatus.Confirmed)
                {
                    onHand[line.Sku] -= line.Quantity;
                    sold += line.Quantity;
                }
            }

            reservation.Status = final;
        }
    }

    private sealed class ModelReservation(List<ReservationLine> lines, DateTimeOffset firstExpiry)
    {
        public List<ReservationLine> Lines { get; } = lines;

        public DateTimeOffset FirstExpiry { get; } = firstExpiry;

        public DateTimeOffset ExpiresAt { get; set; }

        public ReservationStatus Status { get; set; } = ReservationStatus.Held;

        public long Quantity(string sku) => Lines.Where(l => l.Sku == sku).Sum(l => (long)l.Quantity);
    }

    private readonly record struct Step(StepKind Kind, string Id, int QuantityA, int QuantityB, int Milliseconds, int Delta);
}
