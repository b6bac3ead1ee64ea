using Microsoft.Extensions.Options;

namespace CommerceKit.Inventory.InMemory;

/// <summary>
/// Stock and reservations in this process's memory, exact under one lock: inventory for one instance, and the default
/// backend for tests. Every operation first expires the holds whose time ran out (so expired stock is available at
/// once), and the sweeper collects them for the expiry handlers.
/// </summary>
internal sealed class InMemoryInventoryStore : InventoryStore
{
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _retention;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Stock> _stock = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Reservation> _reservations = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Sku, string Customer), long> _customerUnits = [];
    private readonly PriorityQueue<Reservation, DateTimeOffset> _deadlines = new();
    private readonly Queue<(Reservation Reservation, DateTimeOffset ForgetAt)> _finished = new();
    private readonly Queue<ReservationExpired> _unreported = new();

    public InMemoryInventoryStore(TimeProvider timeProvider, IOptions<InventoryOptions> options)
        : base("memory")
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _retention = options.Value.ReservationRetention;
    }

    protected override ValueTask SetStockCoreAsync(string sku, long onHand, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ExpireDue(_timeProvider.GetUtcNow());
            var stock = StockOf(sku);
            ThrowIfBelowReserved(sku, onHand, stock.Reserved);
            stock.OnHand = onHand;
        }

        return ValueTask.CompletedTask;
    }

    protected override ValueTask AdjustStockCoreAsync(string sku, long delta, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ExpireDue(_timeProvider.GetUtcNow());
            var stock = StockOf(sku);
            var onHand = stock.OnHand + delta;
            if (onHand > StockLevel.MaxUnits)
            {
                throw OverflowingAdjustment(sku, delta);
            }

            ThrowIfBelowReserved(sku, onHand, stock.Reserved);
            stock.OnHand = onHand;
        }

        return ValueTask.CompletedTask;
    }

    protected override ValueTask<StockLevel> GetStockCoreAsync(string sku, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ExpireDue(_timeProvider.GetUtcNow());
            return ValueTask.FromResult(_stock.TryGetValue(sku, out var stock) ? new StockLevel(sku, stock.OnHand, stock.Reserved) : new StockLevel(sku, 0, 0));
        }
    }

    protected override ValueTask<ReservationResult> ReserveCoreAsync(ReservationRequest request, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            ExpireDue(now);
            if (_reservations.TryGetValue(request.ReservationId, out var known))
            {
                return ValueTask.FromResult(known.Result);
            }

            if (OverLimit(request) is { Count: > 0 } overLimit)
            {
                return ValueTask.FromResult(ReservationResult.LimitExceeded(overLimit));
            }

            var shortfalls = request.Lines
                .Select(line => new LineShortfall(line.Sku, line.Quantity, _stock.TryGetValue(line.Sku, out var stock) ? stock.OnHand - stock.Reserved : 0))
                .Where(line => line.Available < line.Requested)
                .ToList();
            if (shortfalls.Count > 0)
            {
                return ValueTask.FromResult(ReservationResult.InsufficientStock(shortfalls));
            }

            var reservation = new Reservation(request, ReservationResult.Reserved(now + request.Ttl)) { ExpiresAt = now + request.Ttl };
            Hold(reservation);
            _reservations.Add(request.ReservationId, reservation);
            _deadlines.Enqueue(reservation, reservation.ExpiresAt);
            return ValueTask.FromResult(reservation.Result);
        }
    }

    protected override ValueTask<ReservationStatus> ConfirmCoreAsync(string reservationId, CancellationToken cancellationToken) =>
        Finish(reservationId, ReservationStatus.Confirmed);

    protected override ValueTask<ReservationStatus> ReleaseCoreAsync(string reservationId, CancellationToken cancellationToken) =>
        Finish(reservationId, ReservationStatus.Released);

    protected override ValueTask<ReservationStatus> ExtendCoreAsync(string reservationId, TimeSpan ttl, CancellationToken cancellationToken) =>
        OnReservation(reservationId, (reservation, now) =>
        {
            if (reservation.Status == ReservationStatus.Held)
            {
                // The old deadline stays queued; ExpireDue skips it because the reservation's own expiry moved.
                reservation.ExpiresAt = now + ttl;
                _deadlines.Enqueue(reservation, reservation.ExpiresAt);
            }

            return reservation.Status;
        });

    protected override ValueTask<IReadOnlyList<ReservationExpired>> ExpireDueCoreAsync(int maxCount, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ExpireDue(_timeProvider.GetUtcNow());
            var expired = new List<ReservationExpired>(Math.Min(maxCount, _unreported.Count));
            while (expired.Count < maxCount && _unreported.TryDequeue(out var next))
            {
                expired.Add(next);
            }

            return ValueTask.FromResult<IReadOnlyList<ReservationExpired>>(expired);
        }
    }

    private ValueTask<ReservationStatus> Finish(string reservationId, ReservationStatus final) =>
        OnReservation(reservationId, (reservation, now) =>
        {
            if (reservation.Status == ReservationStatus.Held)
            {
                End(reservation, final, now);
            }

            return reservation.Status;
        });

    /// <summary>Runs <paramref name="act"/> on a known reservation after expiring due holds; an unknown id is not found.</summary>
    private ValueTask<ReservationStatus> OnReservation(string reservationId, Func<Reservation, DateTimeOffset, ReservationStatus> act)
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            ExpireDue(now);
            return ValueTask.FromResult(_reservations.TryGetValue(reservationId, out var reservation) ? act(reservation, now) : ReservationStatus.NotFound);
        }
    }

    /// <summary>Expires every hold whose time ran out, and forgets finished reservations past their retention.</summary>
    private void ExpireDue(DateTimeOffset now)
    {
        while (_deadlines.TryPeek(out var reservation, out var deadline) && deadline <= now)
        {
            _deadlines.Dequeue();
            if (reservation.Status == ReservationStatus.Held && reservation.ExpiresAt <= now)
            {
                End(reservation, ReservationStatus.Expired, now);
                _unreported.Enqueue(new ReservationExpired(reservation.Request.ReservationId, reservation.Request.Lines, reservation.Request.CustomerId, reservation.ExpiresAt));
            }
        }

        while (_finished.TryPeek(out var finished) && finished.ForgetAt <= now)
        {
            _finished.Dequeue();
            _reservations.Remove(finished.Reservation.Request.ReservationId);
        }
    }

    private void End(Reservation reservation, ReservationStatus final, DateTimeOffset now)
    {
        foreach (var line in reservation.Request.Lines)
        {
            var stock = _stock[line.Sku];
            stock.Reserved -= line.Quantity;
            if (final == ReservationStatus.Confirmed)
            {
                stock.OnHand -= line.Quantity;
            }
        }

        // A sale keeps counting against the customer's limit; a release or an expiry gives the allowance back.
        if (final != ReservationStatus.Confirmed)
        {
            CountCustomerUnits(reservation.Request, -1);
        }

        reservation.Status = final;
        _finished.Enqueue((reservation, now + _retention));
    }

    private void Hold(Reservation reservation)
    {
        foreach (var line in reservation.Request.Lines)
        {
            StockOf(line.Sku).Reserved += line.Quantity;
        }

        CountCustomerUnits(reservation.Request, +1);
    }

    private void CountCustomerUnits(ReservationRequest request, int sign)
    {
        if (request.CustomerId is not { } customer)
        {
            return;
        }

        foreach (var line in request.Lines)
        {
            var key = (line.Sku, customer);
            var units = _customerUnits.GetValueOrDefault(key) + (sign * line.Quantity);
            if (units == 0)
            {
                _customerUnits.Remove(key);
            }
            else
            {
                _customerUnits[key] = units;
            }
        }
    }

    private List<LineShortfall>? OverLimit(ReservationRequest request) =>
        request is { PerCustomerLimit: { } limit, CustomerId: { } customer }
            ? request.Lines
                .Select(line => new LineShortfall(line.Sku, line.Quantity, Math.Max(0, limit - _customerUnits.GetValueOrDefault((line.Sku, customer)))))
                .Where(line => line.Available < line.Requested)
                .ToList()
            : null;

    private Stock StockOf(string sku)
    {
        if (!_stock.TryGetValue(sku, out var stock))
        {
            stock = new Stock();
            _stock.Add(sku, stock);
        }

        return stock;
    }

    private static void ThrowIfBelowReserved(string sku, long onHand, long reserved)
    {
        if (onHand < reserved)
        {
            throw new InvalidOperationException(
                $"SKU '{sku}' would have {onHand} units on hand while {reserved} are reserved; release reservations first. Nothing was changed.");
        }
    }

    private sealed class Stock
    {
        public long OnHand { get; set; }

        public long Reserved { get; set; }
    }

    private sealed class Reservation(ReservationRequest request, ReservationResult result)
    {
        public ReservationRequest Request { get; } = request;

        public ReservationResult Result { get; } = result;

        public ReservationStatus Status { get; set; } = ReservationStatus.Held;

        public DateTimeOffset ExpiresAt { get; set; }
    }
}
