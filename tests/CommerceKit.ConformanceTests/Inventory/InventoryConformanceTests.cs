using System.Diagnostics;
using CommerceKit.ConformanceTests.Coverage;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Inventory;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CommerceKit.ConformanceTests.Inventory;

/// <summary>What every inventory backend must do: stock, all-or-nothing reservations, their lifecycle, limits and expiry, and no oversell under load.</summary>
[ConformanceSuite("Inventory", ConformanceBackend.InMemory, ConformanceBackend.Redis, ConformanceBackend.RedisCluster, ConformanceBackend.PostgreSql)]
public abstract class InventoryConformanceTests : InventorySuite
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly ExpiryRecorder _modelRecorder = new();
    private readonly Lazy<Task<(IInventory Inventory, InventoryStore Store)>> _modelInstance;

    protected InventoryConformanceTests() =>
        _modelInstance = new(() => Backend.CreateInventoryAndStoreAsync(onExpired: _modelRecorder));

    [Fact]
    public async Task Stock_is_set_adjusted_and_read_and_an_unknown_sku_has_none()
    {
        var inventory = await Backend.CreateInventoryAsync();

        await inventory.SetStockAsync(Sku("a"), 10);
        await inventory.AdjustStockAsync(Sku("a"), 5);
        await inventory.AdjustStockAsync(Sku("a"), -3);

        Assert.Equal(new StockLevel(Sku("a"), 12, 0), await (await Backend.CreateInventoryAsync()).GetStockAsync(Sku("a")));
        Assert.Equal(new StockLevel(Sku("unknown"), 0, 0), await inventory.GetStockAsync(Sku("unknown")));
    }

    [Fact]
    public async Task Several_skus_are_read_at_once_in_the_order_asked_each_as_read_alone()
    {
        var inventory = await Backend.CreateInventoryAsync();
        await inventory.SetStockAsync(Sku("a"), 10);
        await inventory.SetStockAsync(Sku("b"), 3);
        await inventory.ReserveAsync(Request("r1", "a", 4, Hour));

        var levels = await (await Backend.CreateInventoryAsync()).GetStockLevelsAsync([Sku("b"), Sku("unknown"), Sku("a"), Sku("b")]);

        Assert.Equal([new(Sku("b"), 3, 0), new(Sku("unknown"), 0, 0), new(Sku("a"), 10, 4), new StockLevel(Sku("b"), 3, 0)], levels);
        Assert.Equal(await inventory.GetStockAsync(Sku("a")), levels[2]);
        Assert.Empty(await inventory.GetStockLevelsAsync([]));
    }

    [Fact]
    public async Task Stock_never_drops_below_what_is_reserved()
    {
        var inventory = await Backend.CreateInventoryAsync();
        await inventory.SetStockAsync(Sku("a"), 10);
        await inventory.ReserveAsync(Request("r1", "a", 7, Hour));

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await inventory.SetStockAsync(Sku("a"), 6));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await inventory.AdjustStockAsync(Sku("a"), -4));

        Assert.Equal(new StockLevel(Sku("a"), 10, 7), await inventory.GetStockAsync(Sku("a")));
        await inventory.AdjustStockAsync(Sku("a"), -3);
        Assert.Equal(0, (await inventory.GetStockAsync(Sku("a"))).Available);
    }

    [Fact]
    public async Task A_reservation_holds_every_line_until_its_expiry()
    {
        var inventory = await Backend.CreateInventoryAsync();
        await inventory.SetStockAsync(Sku("a"), 10);
        await inventory.SetStockAsync(Sku("b"), 3);
        var before = DateTimeOffset.UtcNow;

        var result = await inventory.ReserveAsync(new ReservationRequest(Id("r1"), [new(Sku("b"), 3), new(Sku("a"), 4)], Hour));

        Assert.True(result.IsReserved);
        Assert.Empty(result.Shortfalls);
        Assert.InRange(result.ExpiresAt, before + Hour - TimeSpan.FromSeconds(5), DateTimeOffset.UtcNow + Hour + TimeSpan.FromSeconds(5));
        Assert.Equal(new StockLevel(Sku("a"), 10, 4), await inventory.GetStockAsync(Sku("a")));
        Assert.Equal(new StockLevel(Sku("b"), 3, 3), await inventory.GetStockAsync(Sku("b")));
    }

    [Fact]
    public async Task A_reservation_that_cannot_take_every_line_holds_nothing_and_says_what_is_available()
    {
        var inventory = await Backend.CreateInventoryAsync();
        await inventory.SetStockAsync(Sku("a"), 10);
        await inventory.SetStockAsync(Sku("b"), 2);

        var result = await inventory.ReserveAsync(new ReservationRequest(Id("r1"), [new(Sku("a"), 4), new(Sku("b"), 3), new(Sku("unknown"), 1)], Hour));

        Assert.Equal(ReservationOutcome.InsufficientStock, result.Outcome);
        Assert.Equal([new LineShortfall(Sku("b"), 3, 2), new LineShortfall(Sku("unknown"), 1, 0)], result.Shortfalls);
        Assert.Equal(0, (await inventory.GetStockAsync(Sku("a"))).Reserved);
        Assert.Equal(0, (await inventory.GetStockAsync(Sku("b"))).Reserved);
        Assert.Equal(ReservationStatus.NotFound, await inventory.ConfirmAsync(Id("r1")));
    }

    [Fact]
    public async Task Repeating_a_reservation_id_answers_the_first_result_and_holds_nothing_more()
    {
        var inventory = await Backend.CreateInventoryAsync();
        await inventory.SetStockAsync(Sku("a"), 10);

        var first = await inventory.ReserveAsync(Request("r1", "a", 4, Hour));
        var again = await (await Backend.CreateInventoryAsync()).ReserveAsync(Request("r1", "a", 4, TimeSpan.FromMinutes(5)));

        Assert.True(again.IsReserved);
        Assert.Equal(first.ExpiresAt, again.ExpiresAt);
        Assert.Equal(4, (await inventory.GetStockAsync(Sku("a"))).Reserved);
    }

    [Fact]
    public async Task Concurrent_repeats_of_one_reservation_id_on_three_instances_hold_its_stock_once_and_answer_alike()
    {
        IInventory[] instances = [await Backend.CreateInventoryAsync(), await Backend.CreateInventoryAsync(), await Backend.CreateInventoryAsync()];
        await instances[0].SetStockAsync(Sku("a"), 10);
        await instances[0].SetStockAsync(Sku("b"), 10);

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(async () =>
            await instances[i % 3].ReserveAsync(new ReservationRequest(Id("r1"), [new(Sku("a"), 3), new(Sku("b"), 2)], Hour)))));

        Assert.All(results, result => Assert.True(result.IsReserved));
        Assert.Single(results.Select(result => result.ExpiresAt).Distinct());
        Assert.Equal(new StockLevel(Sku("a"), 10, 3), await instances[1].GetStockAsync(Sku("a")));
        Assert.Equal(new StockLevel(Sku("b"), 10, 2), await instances[2].GetStockAsync(Sku("b")));
    }

    [Fact]
    public async Task Confirming_sells_the_units_once_and_a_later_release_returns_nothing()
    {
        var inventory = await Backend.CreateInventoryAsync();
        await inventory.SetStockAsync(Sku("a"), 10);
        await inventory.ReserveAsync(Request("r1", "a", 4, Hour));

        Assert.Equal(ReservationStatus.Confirmed, await inventory.ConfirmAsync(Id("r1")));
        Assert.Equal(ReservationStatus.Confirmed, await inventory.ConfirmAsync(Id("r1")));
        Assert.Equal(ReservationStatus.Confirmed, await inventory.ReleaseAsync(Id("r1")));
        Assert.Equal(ReservationStatus.Confirmed, await inventory.ExtendAsync(Id("r1"), Hour));

        Assert.Equal(new StockLevel(Sku("a"), 6, 0), await inventory.GetStockAsync(Sku("a")));
    }

    [Fact]
    public async Task Releasing_returns_the_units_once_and_a_later_confirm_sells_nothing()
    {
        var inventory = await Backend.CreateInventoryAsync();
        await inventory.SetStockAsync(Sku("a"), 10);
        await inventory.ReserveAsync(Request("r1", "a", 4, Hour));

        Assert.Equal(ReservationStatus.Released, await inventory.ReleaseAsync(Id("r1")));
        Assert.Equal(ReservationStatus.Released, await inventory.ReleaseAsync(Id("r1")));
        Assert.Equal(ReservationStatus.Released, await inventory.ConfirmAsync(Id("r1")));

        Assert.Equal(new StockLevel(Sku("a"), 10, 0), await inventory.GetStockAsync(Sku("a")));
    }

    [Fact]
    public async Task An_unknown_reservation_is_not_found()
    {
        var inventory = await Backend.CreateInventoryAsync();

        Assert.Equal(ReservationStatus.NotFound, await inventory.ConfirmAsync(Id("none")));
        Assert.Equal(ReservationStatus.NotFound, await inventory.ReleaseAsync(Id("none")));
        Assert.Equal(ReservationStatus.NotFound, await inventory.ExtendAsync(Id("none"), Hour));
    }

    [Fact]
    public async Task An_extended_reservation_stays_held_past_its_first_expiry()
    {
        var inventory = await Backend.CreateInventoryAsync();
        await inventory.SetStockAsync(Sku("a"), 10);
        var first = await inventory.ReserveAsync(Request("r1", "a", 4, TimeSpan.FromMilliseconds(500)));

        Assert.Equal(ReservationStatus.Held, await inventory.ExtendAsync(Id("r1"), Hour));
        await Eventually.HoldsAsync(() => Task.FromResult(DateTimeOffset.UtcNow > first.ExpiresAt + TimeSpan.FromMilliseconds(600)), Deadline, "the first expiry passed");

        Assert.Equal(4, (await inventory.GetStockAsync(Sku("a"))).Reserved);
        Assert.Equal(ReservationStatus.Confirmed, await inventory.ConfirmAsync(Id("r1")));
    }

    [Fact]
    public async Task An_expired_reservation_returns_its_stock_within_a_second_and_is_announced_once()
    {
        var recorder = new ExpiryRecorder();
        var inventory = await Backend.CreateInventoryAsync(onExpired: recorder);
        await Backend.CreateInventoryAsync(onExpired: recorder);
        await inventory.SetStockAsync(Sku("a"), 10);
        var reserved = await inventory.ReserveAsync(Request("r1", "a", 4, TimeSpan.FromMilliseconds(300), customer: "alice"));

        var expired = await recorder.Expired.ReadAsync().AsTask().WaitAsync(Deadline);
        var announcedAfter = DateTimeOffset.UtcNow - reserved.ExpiresAt;

        Assert.Equal(Id("r1"), expired.ReservationId);
        Assert.Equal("alice", expired.CustomerId);
        Assert.Equal([new ReservationLine(Sku("a"), 4)], expired.Lines);
        Assert.InRange(announcedAfter, TimeSpan.FromMilliseconds(-50), TimeSpan.FromSeconds(1));
        Assert.Equal(new StockLevel(Sku("a"), 10, 0), await inventory.GetStockAsync(Sku("a")));
        Assert.Equal(ReservationStatus.Expired, await inventory.ConfirmAsync(Id("r1")));
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        Assert.False(recorder.Expired.TryRead(out _), "an expiry was announced twice");
    }

    [Fact]
    public async Task The_per_customer_limit_counts_held_and_bought_units_and_a_release_gives_them_back()
    {
        var inventory = await Backend.CreateInventoryAsync();
        await inventory.SetStockAsync(Sku("a"), 10);

        var first = await inventory.ReserveAsync(Request("r1", "a", 1, Hour, "alice", limit: 1));
        var second = await inventory.ReserveAsync(Request("r2", "a", 1, Hour, "alice", limit: 1));
        var otherCustomer = await inventory.ReserveAsync(Request("r3", "a", 1, Hour, "bob", limit: 1));
        await inventory.ReleaseAsync(Id("r1"));
        var afterRelease = await inventory.ReserveAsync(Request("r4", "a", 1, Hour, "alice", limit: 1));
        await inventory.ConfirmAsync(Id("r4"));
        var afterSale = await inventory.ReserveAsync(Request("r5", "a", 1, Hour, "alice", limit: 1));

        Assert.True(first.IsReserved);
        Assert.Equal(ReservationOutcome.LimitExceeded, second.Outcome);
        Assert.Equal([new LineShortfall(Sku("a"), 1, 0)], second.Shortfalls);
        Assert.True(otherCustomer.IsReserved);
        Assert.True(afterRelease.IsReserved);
        Assert.Equal(ReservationOutcome.LimitExceeded, afterSale.Outcome);
    }

    // FsCheck calls the method once per case: the instance (and its sweeper) is the test's, shared by every case.
    [Property(MaxTest = 30)]
    public Property Random_interleavings_behave_like_the_model_and_never_oversell() =>
        Prop.ForAll(InventoryModel.Steps, async steps =>
        {
            var prefix = Guid.NewGuid().ToString("N")[..6] + "-";
            var (inventory, store) = await _modelInstance.Value;
            var model = new InventoryModel(inventory, store, name => Id(prefix + name), () => Drain(_modelRecorder));
            var difference = await model.RunAsync(steps);
            Assert.True(difference is null, difference);
            return true;
        });

    private static List<ReservationExpired> Drain(ExpiryRecorder recorder)
    {
        var expired = new List<ReservationExpired>();
        while (recorder.Expired.TryRead(out var next))
        {
            expired.Add(next);
        }

        return expired;
    }

    [Fact]
    public async Task Bad_input_is_refused_with_the_parameter_name()
    {
        var inventory = await Backend.CreateInventoryAsync();
        ReservationLine[] one = [new(Sku("a"), 1)];

        Assert.Equal("sku", (await Assert.ThrowsAsync<ArgumentException>(async () => await inventory.SetStockAsync("", 1))).ParamName);
        Assert.Equal("onHand", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await inventory.SetStockAsync(Sku("a"), -1))).ParamName);
        Assert.Equal("sku", (await Assert.ThrowsAsync<ArgumentException>(async () => await inventory.GetStockAsync("a\nb"))).ParamName);
        Assert.Equal("skus", (await Assert.ThrowsAsync<ArgumentException>(async () => await inventory.GetStockLevelsAsync([Sku("a"), "a\nb"]))).ParamName);
        Assert.Equal("skus", (await Assert.ThrowsAsync<ArgumentNullException>(async () => await inventory.GetStockLevelsAsync(null!))).ParamName);
        Assert.Equal("skus", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            async () => await inventory.GetStockLevelsAsync(Enumerable.Repeat(Sku("a"), InventoryStore.MaxSkusPerRead + 1).ToArray()))).ParamName);
        Assert.Equal("reservationId", (await Assert.ThrowsAsync<ArgumentException>(async () => await inventory.ConfirmAsync(new string('r', 257)))).ParamName);
        Assert.Equal("ttl", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await inventory.ExtendAsync(Id("r"), TimeSpan.Zero))).ParamName);
        Assert.Equal("reservationId", Assert.Throws<ArgumentException>(() => new ReservationRequest("", one, Hour)).ParamName);
        Assert.Equal("lines", Assert.Throws<ArgumentException>(() => new ReservationRequest("r", [], Hour)).ParamName);
        Assert.Equal("sku", Assert.Throws<ArgumentException>(() => new ReservationRequest("r", [new("", 1)], Hour)).ParamName);
        Assert.Equal("quantity", Assert.Throws<ArgumentOutOfRangeException>(() => new ReservationRequest("r", [new("a", 0)], Hour)).ParamName);
        Assert.Equal("lines", Assert.Throws<ArgumentException>(() => new ReservationRequest("r", [new("a", 1), new("a", 2)], Hour)).ParamName);
        Assert.Equal("ttl", Assert.Throws<ArgumentOutOfRangeException>(() => new ReservationRequest("r", one, TimeSpan.Zero)).ParamName);
        Assert.Equal("customerId", Assert.Throws<ArgumentException>(() => new ReservationRequest("r", one, Hour, perCustomerLimit: 1)).ParamName);
        Assert.Equal("perCustomerLimit", Assert.Throws<ArgumentOutOfRangeException>(() => new ReservationRequest("r", one, Hour, "c", 0)).ParamName);
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await inventory.ReserveAsync(null!));
    }

    [Fact]
    public async Task The_most_units_round_trip_exactly_and_more_is_refused_naming_the_parameter()
    {
        var inventory = await Backend.CreateInventoryAsync();

        await inventory.SetStockAsync(Sku("a"), StockLevel.MaxUnits);
        await inventory.SetStockAsync(Sku("b"), StockLevel.MaxUnits - 1);
        var onHandFailure = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await inventory.SetStockAsync(Sku("c"), StockLevel.MaxUnits + 1));
        var deltaFailure = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await inventory.AdjustStockAsync(Sku("c"), long.MaxValue));
        var negativeFailure = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await inventory.AdjustStockAsync(Sku("c"), long.MinValue));

        Assert.Equal(new StockLevel(Sku("a"), StockLevel.MaxUnits, 0), await inventory.GetStockAsync(Sku("a")));
        Assert.Equal(new StockLevel(Sku("b"), StockLevel.MaxUnits - 1, 0), await inventory.GetStockAsync(Sku("b")));
        Assert.Equal(("onHand", "delta", "delta"), (onHandFailure.ParamName, deltaFailure.ParamName, negativeFailure.ParamName));
        Assert.Equal(new StockLevel(Sku("c"), 0, 0), await inventory.GetStockAsync(Sku("c")));
    }

    [Fact]
    public async Task An_adjustment_past_the_most_units_fails_with_nothing_changed()
    {
        var inventory = await Backend.CreateInventoryAsync();
        await inventory.SetStockAsync(Sku("a"), 10);
        await inventory.ReserveAsync(Request("r1", "a", 4, Hour));

        var failure = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await inventory.AdjustStockAsync(Sku("a"), StockLevel.MaxUnits));
        var reservation = await inventory.ReserveAsync(Request("r2", "a", int.MaxValue, Hour));

        Assert.Equal("delta", failure.ParamName);
        Assert.Equal(new StockLevel(Sku("a"), 10, 4), await inventory.GetStockAsync(Sku("a")));
        Assert.False(reservation.IsReserved);
        await inventory.AdjustStockAsync(Sku("a"), StockLevel.MaxUnits - 10);
        Assert.Equal(StockLevel.MaxUnits, (await inventory.GetStockAsync(Sku("a"))).OnHand);
    }

    [Fact]
    public async Task A_flash_sale_of_2000_buyers_on_three_instances_sells_exactly_the_stock_and_expired_holds_come_back()
    {
        IInventory[] instances = [await Backend.CreateInventoryAsync(), await Backend.CreateInventoryAsync(), await Backend.CreateInventoryAsync()];
        var hold = TimeSpan.FromSeconds(6);
        await instances[0].SetStockAsync(Sku("hot"), 100);
        var clock = Stopwatch.StartNew();

        var results = await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => Task.Run(async () =>
            (Id: Id("buyer-" + i), Result: await instances[i % 3].ReserveAsync(Request("buyer-" + i, "hot", 1, hold))))));
        var winners = results.Where(r => r.Result.IsReserved).Select(r => r.Id).ToList();

        Assert.Equal(100, winners.Count);
        Assert.All(results.Where(r => !r.Result.IsReserved), r => Assert.Equal(ReservationOutcome.InsufficientStock, r.Result.Outcome));
        Assert.Equal(new StockLevel(Sku("hot"), 100, 100), await instances[1].GetStockAsync(Sku("hot")));
        Assert.True(clock.Elapsed < hold, $"the sale took {clock.Elapsed}, longer than its holds; the expiry half proves nothing then");

        foreach (var id in winners.Take(60))
        {
            Assert.Equal(ReservationStatus.Confirmed, await instances[2].ConfirmAsync(id));
        }

        await Eventually.HoldsAsync(
            async () => await instances[0].GetStockAsync(Sku("hot")) == new StockLevel(Sku("hot"), 40, 0),
            hold + Deadline,
            "60 sold and 40 expired leave 40 on hand, none reserved");
    }
}
