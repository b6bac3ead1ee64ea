using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Inventory;
using FsCheck;
using FsCheck.Fluent;

namespace CommerceKit.ConformanceTests.Inventory;

/// <summary>
/// Random interleavings of reserve, confirm, release, extend, expire and stock adjustments on two SKUs, run against a
/// real backend beside a model: the same answers, the same stock levels after every step, each expiry announced once,
/// available stock never negative and never more sold than stocked. Backends keep their own clock, so a step expires a
/// reservation by extending it by a millisecond and sweeping until it is announced (by this sweep or the instance's sweeper).
/// </summary>
internal sealed class InventoryModel(IInventory inventory, InventoryStore store, Func<string, string> name, Func<IReadOnlyList<ReservationExpired>> announcedBySweeper)
{
    private static readonly TimeSpan Long = TimeSpan.FromHours(1);

    private readonly Dictionary<string, long> _onHand = new() { ["a"] = 0, ["b"] = 0 };
    private readonly Dictionary<string, Held> _reservations = [];
    private readonly HashSet<string> _announced = [];
    private long _stocked;
    private long _sold;

    public enum StepKind
    {
        Reserve,
        Confirm,
        Release,
        Extend,
        Expire,
        Adjust,
    }

    public static Arbitrary<Step[]> Steps { get; } =
        (from kind in Gen.Elements(StepKind.Reserve, StepKind.Reserve, StepKind.Confirm, StepKind.Release, StepKind.Extend, StepKind.Expire, StepKind.Adjust, StepKind.Adjust)
         from id in Gen.Choose(0, 4)
         from quantityA in Gen.Choose(0, 3)
         from quantityB in Gen.Choose(0, 3)
         from delta in Gen.Choose(-3, 5)
         select new Step(kind, "r" + id, quantityA, quantityB, delta))
        .ArrayOf()
        .Select(steps => steps.Take(25).ToArray())
        .ToArbitrary();

    /// <summary>Runs the steps; answers the first difference from the model, or null.</summary>
    public async Task<string?> RunAsync(IReadOnlyList<Step> steps)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            if (await ApplyAsync(steps[i]) is { } difference)
            {
                return $"step {i} ({steps[i]}): {difference}";
            }

            foreach (var sku in _onHand.Keys)
            {
                var level = await inventory.GetStockAsync(name(sku));
                var reserved = _reservations.Values.Where(r => r.Status == ReservationStatus.Held).Sum(r => r.Quantity(sku));
                if (level.Available < 0 || level.OnHand != _onHand[sku] || level.Reserved != reserved)
                {
                    return $"after step {i}: {sku} is {level}, the model has {_onHand[sku]} on hand and {reserved} reserved";
                }
            }

            if (_sold > _stocked)
            {
                return $"after step {i}: sold {_sold} of {_stocked} stocked";
            }
        }

        return null;
    }

    private async Task<string?> ApplyAsync(Step step)
    {
        var id = name(step.Id);
        _reservations.TryGetValue(id, out var known);
        switch (step.Kind)
        {
            case StepKind.Reserve when step.QuantityA + step.QuantityB > 0:
                var lines = new[] { ("a", step.QuantityA), ("b", step.QuantityB) }.Where(l => l.Item2 > 0).Select(l => new ReservationLine(l.Item1, l.Item2)).ToList();
                var result = await inventory.ReserveAsync(new ReservationRequest(id, [.. lines.Select(l => new ReservationLine(name(l.Sku), l.Quantity))], Long));
                var fits = lines.All(l => _onHand[l.Sku] - _reservations.Values.Where(r => r.Status == ReservationStatus.Held).Sum(r => r.Quantity(l.Sku)) >= l.Quantity);
                if (result.IsReserved != (known is not null || fits) || (known is not null && result.ExpiresAt != known.FirstExpiry))
                {
                    return $"reserve answered {result.Outcome} until {result.ExpiresAt}; the model knew {known?.FirstExpiry}, fits {fits}";
                }

                if (known is null && result.IsReserved)
                {
                    _reservations[id] = new Held(lines, result.ExpiresAt);
                }

                return null;

            case StepKind.Confirm or StepKind.Release:
                var final = step.Kind == StepKind.Confirm ? ReservationStatus.Confirmed : ReservationStatus.Released;
                var status = final == ReservationStatus.Confirmed ? await inventory.ConfirmAsync(id) : await inventory.ReleaseAsync(id);
                if (known is { Status: ReservationStatus.Held })
                {
                    End(known, final);
                }

                return Differs(status, known);

            case StepKind.Extend:
                return Differs(await inventory.ExtendAsync(id, Long), known);

            case StepKind.Expire:
                var extended = await inventory.ExtendAsync(id, TimeSpan.FromMilliseconds(1));
                if (Differs(extended, known) is { } difference)
                {
                    return difference;
                }

                if (known is { Status: ReservationStatus.Held })
                {
                    End(known, ReservationStatus.Expired);
                    return await AwaitAnnouncementAsync(id);
                }

                return null;

            case StepKind.Adjust:
                var sku = step.Delta % 2 == 0 ? "a" : "b";
                var allowed = _onHand[sku] + step.Delta >= _reservations.Values.Where(r => r.Status == ReservationStatus.Held).Sum(r => r.Quantity(sku));
                try
                {
                    await inventory.AdjustStockAsync(name(sku), step.Delta);
                }
                catch (InvalidOperationException) when (!allowed)
                {
                    return null;
                }

                if (!allowed)
                {
                    return "an adjustment below the reserved units was accepted";
                }

                _onHand[sku] += step.Delta;
                _stocked += Math.Max(0, step.Delta);
                return null;

            default:
                return null;
        }
    }

    private async Task<string?> AwaitAnnouncementAsync(string id)
    {
        string? difference = null;
        try
        {
            await Eventually.HoldsAsync(
                async () =>
                {
                    foreach (var expired in (await store.ExpireDueAsync(100)).Concat(announcedBySweeper()))
                    {
                        if (!_announced.Add(expired.ReservationId) || !_reservations.TryGetValue(expired.ReservationId, out var held) || held.Status != ReservationStatus.Expired)
                        {
                            difference = $"{expired.ReservationId} was announced twice or without expiring";
                        }
                    }

                    return difference is not null || _announced.Contains(id);
                },
                TimeSpan.FromSeconds(3),
                $"{id} is announced");
        }
        catch (TimeoutException)
        {
            return $"{id} expired but was not announced within 3 s";
        }

        return difference;
    }

    private static string? Differs(ReservationStatus status, Held? known)
    {
        var expected = known?.Status ?? ReservationStatus.NotFound;
        return status == expected ? null : $"answered {status}, the model {expected}";
    }

    private void End(Held reservation, ReservationStatus final)
    {
        if (final == ReservationStatus.Confirmed)
        {
            foreach (var line in reservation.Lines)
            {
                _onHand[line.Sku] -= line.Quantity;
                _sold += line.Quantity;
            }
        }

        reservation.Status = final;
    }

    public readonly record struct Step(StepKind Kind, string Id, int QuantityA, int QuantityB, int Delta);

    private sealed class Held(List<ReservationLine> lines, DateTimeOffset firstExpiry)
    {
        public List<ReservationLine> Lines { get; } = lines;

        public DateTimeOffset FirstExpiry { get; } = firstExpiry;

        public ReservationStatus Status { get; set; } = ReservationStatus.Held;

        public long Quantity(string sku) => Lines.Where(l => l.Sku == sku).Sum(l => (long)l.Quantity);
    }
}
