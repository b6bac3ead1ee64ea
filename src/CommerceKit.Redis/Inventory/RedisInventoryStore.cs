using System.Globalization;
using CommerceKit.Inventory;
using CommerceKit.Redis.Connection;
using CommerceKit.Shared;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CommerceKit.Redis.Inventory;

/// <summary>
/// Stock and reservations in Redis (see <see cref="InventoryScripts"/> for the keys). When a reservation's record and
/// its SKUs share a slot (always on a single server), reserving is one script, one round trip, all or nothing. On
/// Redis Cluster they do not: the record is begun, the lines are held one slot at a time in SKU order, and a refusal
/// frees what was held; a caller that dies half-way leaves a record the sweeper gives back at its deadline. Confirm,
/// release and extend are decided by the record alone, on its server's clock, and then applied to the lines; the
/// sweeper expires reservations and finishes any application a dead caller left undone.
/// </summary>
internal sealed class RedisInventoryStore : InventoryStore
{
    private const string Feature = "inv";
    private const int BusyRetries = 40;
    private static readonly TimeSpan s_busyDelay = TimeSpan.FromMilliseconds(50);
    private static readonly RedisValue[] s_stockFields = ["on", "res"];

    // How long past its time to live the record of a reservation being made outlives a caller that died making it,
    // so the sweeper still finds the lines it held.
    private const long PendingGraceMs = 60_000;

    private readonly RedisConnection _connection;
    private readonly TimeProvider _timeProvider;
    private readonly long _retentionMs;
    private readonly RedisKey _deadlines;

    /// <summary>The sorted set of reservation deadlines the sweeper reads, for tests.</summary>
    internal RedisKey Deadlines => _deadlines;

    public RedisInventoryStore(RedisConnection connection, IOptions<InventoryOptions> options, TimeProvider timeProvider)
        : base(RedisFailures.BackendName)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _connection = connection;
        _timeProvider = timeProvider;
        _retentionMs = BackendDurations.Milliseconds(options.Value.ReservationRetention);
        _deadlines = connection.Keys.For(Feature, "deadlines", "due");
    }

    protected override async ValueTask SetStockCoreAsync(string sku, long onHand, CancellationToken cancellationToken) =>
        await SetAsync(sku, onHand, adjust: false, cancellationToken).ConfigureAwait(false);

    protected override async ValueTask AdjustStockCoreAsync(string sku, long delta, CancellationToken cancellationToken) =>
        await SetAsync(sku, delta, adjust: true, cancellationToken).ConfigureAwait(false);

    protected override async ValueTask<StockLevel> GetStockCoreAsync(string sku, CancellationToken cancellationToken)
    {
        var stock = await _connection.ExecuteAsync(
            static (database, key) => database.HashGetAsync(key, s_stockFields),
            Stock(sku),
            cancellationToken).ConfigureAwait(false);
        return Level(sku, stock);
    }

    // One HMGET per SKU, all sent at once: one round trip, whichever cluster node each SKU's key lives on.
    protected override async ValueTask<IReadOnlyList<StockLevel>> GetStockLevelsCoreAsync(IReadOnlyList<string> skus, CancellationToken cancellationToken)
    {
        var stocks = await _connection.ExecuteAsync(
            static (database, keys) => Task.WhenAll(keys.Select(key => database.HashGetAsync(key, s_stockFields))),
            skus.Select(Stock).ToArray(),
            cancellationToken).ConfigureAwait(false);
        return [.. skus.Select((sku, i) => Level(sku, stocks[i]))];
    }

    private static StockLevel Level(string sku, RedisValue[] stock) => new(sku, (long?)stock[0] ?? 0, (long?)stock[1] ?? 0);

    protected override async ValueTask<ReservationResult> ReserveCoreAsync(ReservationRequest request, CancellationToken cancellationToken)
    {
        var multiplexer = await _connection.GetMultiplexerAsync(cancellationToken).ConfigureAwait(false);
        var record = Record(request.ReservationId);
        var stocks = request.Lines.Select(line => Stock(line.Sku)).ToArray();
        var slot = multiplexer.HashSlot(record);
        var oneSlot = multiplexer.HashSlot(_deadlines) == slot && stocks.All(stock => multiplexer.HashSlot(stock) == slot);

        for (var attempt = 1; ; attempt++)
        {
            var result = oneSlot
                ? await ReserveInOneSlotAsync(request, record, stocks, cancellationToken).ConfigureAwait(false)
                : await ReserveAcrossSlotsAsync(request, record, multiplexer, cancellationToken).ConfigureAwait(false);
            if (result is not null)
            {
                return result;
            }

            // Another caller is making (or giving back) a reservation with this id across slots: wait for its answer.
            if (attempt == BusyRetries)
            {
                throw new InvalidOperationException(
                    $"Reservation '{request.ReservationId}' is still being made by another caller; try again later. Nothing was held by this call.");
            }

            await Task.Delay(s_busyDelay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override ValueTask<ReservationStatus> ConfirmCoreAsync(string reservationId, CancellationToken cancellationToken) =>
        ActAsync(reservationId, ReservationStatus.Confirmed, TimeSpan.Zero, cancellationToken);

    protected override ValueTask<ReservationStatus> ReleaseCoreAsync(string reservationId, CancellationToken cancellationToken) =>
        ActAsync(reservationId, ReservationStatus.Released, TimeSpan.Zero, cancellationToken);

    protected override ValueTask<ReservationStatus> ExtendCoreAsync(string reservationId, TimeSpan ttl, CancellationToken cancellationToken) =>
        ActAsync(reservationId, ReservationStatus.Held, ttl, cancellationToken);

    protected override async ValueTask<IReadOnlyList<ReservationExpired>> ExpireDueCoreAsync(int maxCount, CancellationToken cancellationToken)
    {
        var due = (RedisResult[])(await _connection.EvaluateAsync(InventoryScripts.Due, [_deadlines], [maxCount], cancellationToken).ConfigureAwait(false))!;
        var swept = await Task.WhenAll(due.Select(id => SweepAsync((string)id!, cancellationToken))).ConfigureAwait(false);
        return [.. swept.OfType<ReservationExpired>()];
    }

    private async Task<ReservationExpired?> SweepAsync(string reservationId, CancellationToken cancellationToken)
    {
        var decision = await DecideAsync(reservationId, action: 0, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        if (decision.Status == InventoryScripts.NotDue)
        {
            // Extended, or still being made: look again at its deadline.
            await ScheduleAsync(reservationId, decision.ExpiresMs).ConfigureAwait(false);
            return null;
        }

        await SettleAsync(reservationId, decision, cancellationToken).ConfigureAwait(false);
        await _connection.EvaluateAsync(InventoryScripts.Forget, [_deadlines], [reservationId], cancellationToken).ConfigureAwait(false);
        return decision.Announce
            ? new ReservationExpired(reservationId, decision.Lines, decision.CustomerId, DateTimeOffset.FromUnixTimeMilliseconds(decision.ExpiresMs))
            : null;
    }

    private async Task<ReservationResult?> ReserveInOneSlotAsync(ReservationRequest request, RedisKey record, RedisKey[] stocks, CancellationToken cancellationToken)
    {
        RedisValue[] values =
        [
            request.ReservationId,
            BackendDurations.Milliseconds(request.Ttl),
            _retentionMs,
            request.CustomerId ?? "",
            Limit(request),
            EncodeLines(request.Lines),
            .. request.Lines.Select(line => (RedisValue)line.Quantity),
        ];
        var answer = (RedisResult[])(await _connection.EvaluateAsync(InventoryScripts.ReserveInOneSlot, [record, _deadlines, .. stocks], values, cancellationToken).ConfigureAwait(false))!;
        return (long)answer[0] switch
        {
            1 => Reserved(answer),
            -1 => null,
            _ => Refused(answer, request.Lines),
        };
    }

    private async Task<ReservationResult?> ReserveAcrossSlotsAsync(ReservationRequest request, RedisKey record, IConnectionMultiplexer multiplexer, CancellationToken cancellationToken)
    {
        var ttlMs = BackendDurations.Milliseconds(request.Ttl);
        var begun = (RedisResult[])(await _connection.EvaluateAsync(
            InventoryScripts.Begin,
            [record],
            [ttlMs, request.CustomerId ?? "", EncodeLines(request.Lines), PendingGraceMs],
            cancellationToken).ConfigureAwait(false))!;
        switch ((long)begun[0])
        {
            case 1:
                return Reserved(begun);
            case -1:
                return null;
        }

        // From here on the steps run to the end whatever the caller's token says: stopping half-way would leave units
        // held until the sweeper gives them back.
        await ScheduleAsync(request.ReservationId, (long)begun[1]).ConfigureAwait(false);

        var groups = BySlot(request.Lines, multiplexer);
        var held = 0;
        var refusals = new List<(RedisResult[] Answer, IReadOnlyList<ReservationLine> Lines)>();
        foreach (var group in groups)
        {
            // After the first refusal the other slots are only checked, so the answer names every short line.
            var answer = await HoldAsync(request, group, checkOnly: refusals.Count > 0).ConfigureAwait(false);
            if ((long)answer[0] != 0)
            {
                refusals.Add((answer, group));
            }
            else if (refusals.Count == 0)
            {
                held++;
            }
        }

        if (refusals.Count == 0)
        {
            var finished = (RedisResult[])(await _connection.EvaluateAsync(InventoryScripts.Finish, [record], [ttlMs, _retentionMs], CancellationToken.None).ConfigureAwait(false))!;
            if ((long)finished[0] == 1)
            {
                await ScheduleAsync(request.ReservationId, (long)finished[1]).ConfigureAwait(false);
                return Reserved(finished);
            }

            await FreeAsync(request.ReservationId, groups, request.CustomerId, sell: false).ConfigureAwait(false);
            throw new InvalidOperationException(
                $"Reservation '{request.ReservationId}' took longer than its time to live to make and was given back; nothing is held.");
        }

        await FreeAsync(request.ReservationId, groups.Take(held), request.CustomerId, sell: false).ConfigureAwait(false);
        await _connection.EvaluateAsync(InventoryScripts.Abandon, [record], [], CancellationToken.None).ConfigureAwait(false);
        await _connection.ExecuteAsync(
            static (database, state) => database.SortedSetRemoveAsync(state.Deadlines, state.Id),
            (Deadlines: _deadlines, Id: request.ReservationId),
            CancellationToken.None).ConfigureAwait(false);

        var overLimit = refusals.Where(refusal => (long)refusal.Answer[0] == 3).ToList();
        var shortfalls = (overLimit.Count > 0 ? overLimit : refusals).SelectMany(refusal => Shortfalls(refusal.Answer, refusal.Lines)).ToList();
        return overLimit.Count > 0 ? ReservationResult.LimitExceeded(shortfalls) : ReservationResult.InsufficientStock(shortfalls);
    }

    private async Task<RedisResult[]> HoldAsync(ReservationRequest request, IReadOnlyList<ReservationLine> lines, bool checkOnly) =>
        (RedisResult[])(await _connection.EvaluateAsync(
            InventoryScripts.HoldLines,
            [.. lines.Select(line => Stock(line.Sku))],
            [request.ReservationId, request.CustomerId ?? "", Limit(request), checkOnly ? "1" : "0", .. lines.Select(line => (RedisValue)line.Quantity)],
            CancellationToken.None).ConfigureAwait(false))!;

    // The action is the status it leads to: Held (extend), Confirmed or Released.
    private async ValueTask<ReservationStatus> ActAsync(string reservationId, ReservationStatus action, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var decision = await DecideAsync(reservationId, (int)action, ttl, cancellationToken).ConfigureAwait(false);
        if (decision.Status == (int)ReservationStatus.Held)
        {
            // A later deadline alone could wait for the sweeper to find the earlier one; an earlier one could not.
            await ScheduleAsync(reservationId, decision.ExpiresMs).ConfigureAwait(false);
        }

        await SettleAsync(reservationId, decision, CancellationToken.None).ConfigureAwait(false);
        return decision.Status is >= (int)ReservationStatus.NotFound and <= (int)ReservationStatus.Expired
            ? (ReservationStatus)decision.Status
            : ReservationStatus.NotFound;
    }

    private async Task<Decision> DecideAsync(string reservationId, int action, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var answer = (RedisResult[])(await _connection.EvaluateAsync(
            InventoryScripts.Decide,
            [Record(reservationId)],
            [action, ttl == TimeSpan.Zero ? 0 : BackendDurations.Milliseconds(ttl), _retentionMs],
            cancellationToken).ConfigureAwait(false))!;
        if (answer.Length < 6)
        {
            return new Decision((int)(long)answer[0], answer.Length > 1 ? (long)answer[1] : 0, Settled: true, Announce: false, [], null);
        }

        var customer = (string?)answer[5];
        return new Decision(
            (int)(long)answer[0],
            (long)answer[1],
            Settled: (long)answer[2] == 1,
            Announce: (long)answer[3] == 1,
            DecodeLines((string)answer[4]!),
            string.IsNullOrEmpty(customer) ? null : customer);
    }

    /// <summary>Sells or frees the lines of a reservation whose record reached a final status, unless done already.</summary>
    private async Task SettleAsync(string reservationId, Decision decision, CancellationToken cancellationToken)
    {
        if (decision.Settled || decision.Status is < (int)ReservationStatus.Confirmed or > InventoryScripts.Abandoned)
        {
            return;
        }

        var multiplexer = await _connection.GetMultiplexerAsync(cancellationToken).ConfigureAwait(false);
        await FreeAsync(reservationId, BySlot(decision.Lines, multiplexer), decision.CustomerId, sell: decision.Status == (int)ReservationStatus.Confirmed).ConfigureAwait(false);
        await _connection.EvaluateAsync(InventoryScripts.Settle, [Record(reservationId)], [_retentionMs], CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Tells the sweeper when to look at a reservation.</summary>
    private Task ScheduleAsync(string reservationId, long deadlineMs) =>
        _connection.ExecuteAsync(
            static (database, state) => database.SortedSetAddAsync(state.Deadlines, state.Id, state.Deadline),
            (Deadlines: _deadlines, Id: reservationId, Deadline: deadlineMs),
            CancellationToken.None);

    private async Task FreeAsync(string reservationId, IEnumerable<IReadOnlyList<ReservationLine>> groups, string? customerId, bool sell)
    {
        foreach (var group in groups)
        {
            await _connection.EvaluateAsync(
                InventoryScripts.FreeLines,
                [.. group.Select(line => Stock(line.Sku))],
                [reservationId, customerId ?? "", sell ? "1" : "0"],
                CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task SetAsync(string sku, long value, bool adjust, CancellationToken cancellationToken)
    {
        var applied = (long)await _connection.EvaluateAsync(
            InventoryScripts.SetStock, [Stock(sku)], [value, adjust ? "1" : "0", StockLevel.MaxUnits], cancellationToken).ConfigureAwait(false);
        if (applied < 0)
        {
            throw OverflowingAdjustment(sku, value);
        }

        if (applied == 0)
        {
            throw new InvalidOperationException(
                $"SKU '{sku}' would have fewer units on hand than are reserved (or fewer than none); release reservations first. Nothing was changed.");
        }
    }

    /// <summary>The lines grouped by the slot of their SKU, in SKU order: one script each.</summary>
    private List<IReadOnlyList<ReservationLine>> BySlot(IReadOnlyList<ReservationLine> lines, IConnectionMultiplexer multiplexer) =>
        [.. lines.GroupBy(line => multiplexer.HashSlot(Stock(line.Sku))).Select(group => (IReadOnlyList<ReservationLine>)[.. group])];

    private static ReservationResult Reserved(RedisResult[] answer) =>
        ReservationResult.Reserved(DateTimeOffset.FromUnixTimeMilliseconds((long)answer[1]));

    private static ReservationResult Refused(RedisResult[] answer, IReadOnlyList<ReservationLine> lines)
    {
        var shortfalls = Shortfalls(answer, lines).ToList();
        return (long)answer[0] == 3 ? ReservationResult.LimitExceeded(shortfalls) : ReservationResult.InsufficientStock(shortfalls);
    }

    // A refusal carries, after its code, the units each line could have: the lines asking for more are short.
    private static IEnumerable<LineShortfall> Shortfalls(RedisResult[] answer, IReadOnlyList<ReservationLine> lines) =>
        lines.Select((line, i) => new LineShortfall(line.Sku, line.Quantity, (long)answer[i + 1]))
            .Where(shortfall => shortfall.Available < shortfall.Requested);

    private static RedisValue Limit(ReservationRequest request) =>
        request.PerCustomerLimit is { } limit ? limit : RedisValue.EmptyString;

    // SKUs hold no control characters (KeyGuard), so a line feed separates the fields.
    private static string EncodeLines(IReadOnlyList<ReservationLine> lines) =>
        string.Join('\n', lines.Select(line => FormattableString.Invariant($"{line.Sku}\n{line.Quantity}")));

    private static ReservationLine[] DecodeLines(string encoded)
    {
        var fields = encoded.Split('\n');
        var lines = new ReservationLine[fields.Length / 2];
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = new ReservationLine(fields[2 * i], int.Parse(fields[(2 * i) + 1], CultureInfo.InvariantCulture));
        }

        return lines;
    }

    /// <summary>The Redis key of a SKU's stock, for tests.</summary>
    internal RedisKey Stock(string sku) => _connection.Keys.For(Feature, sku, "stock");

    /// <summary>The Redis key of a reservation's record, for tests.</summary>
    internal RedisKey Record(string reservationId) => _connection.Keys.For(Feature, reservationId, "reservation");

    private sealed record Decision(int Status, long ExpiresMs, bool Settled, bool Announce, IReadOnlyList<ReservationLine> Lines, string? CustomerId);
}
