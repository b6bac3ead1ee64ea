using CommerceKit.Inventory;
using CommerceKit.PostgreSql.Connection;
using Microsoft.Extensions.Options;
using Npgsql;
using CommerceKit.Shared;

namespace CommerceKit.PostgreSql.Inventory;

/// <summary>
/// Stock as rows of <c>inventory_stock</c> (whose check constraint forbids fewer units on hand than reserved),
/// reservations with <c>expires_at</c> on the database clock. Every operation is one function call, one round trip
/// and one transaction, so a multi-SKU reservation is all-or-nothing. Each call first expires the due holds of the
/// SKUs it touches; the sweeper expires the rest.
/// </summary>
internal sealed class PostgreSqlInventoryStore : InventoryStore, IAsyncDisposable
{
    private const int DeadlockRetries = 3;

    private readonly PostgreSqlDatabase _database;
    private readonly InventorySql _sql;
    private readonly long _retentionMs;
    private readonly ReservationBatcher? _batcher;

    public PostgreSqlInventoryStore(PostgreSqlDatabase database, IOptions<InventoryOptions> options, IOptions<PostgreSqlInventoryOptions> postgreSqlOptions)
        : base(PostgreSqlFailures.BackendName)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _sql = new InventorySql(database.Schema);
        _retentionMs = BackendDurations.Milliseconds(options.Value.ReservationRetention);
        if (postgreSqlOptions.Value.CoalesceReservations)
        {
            _batcher = new ReservationBatcher(ReserveBatchAsync, postgreSqlOptions.Value.MaxBatchSize);
        }
    }

    public ValueTask DisposeAsync() => _batcher?.DisposeAsync() ?? ValueTask.CompletedTask;

    protected override ValueTask SetStockCoreAsync(string sku, long onHand, CancellationToken cancellationToken) =>
        SetAsync(sku, onHand, adjust: false, cancellationToken);

    protected override ValueTask AdjustStockCoreAsync(string sku, long delta, CancellationToken cancellationToken) =>
        SetAsync(sku, delta, adjust: true, cancellationToken);

    protected override async ValueTask<StockLevel> GetStockCoreAsync(string sku, CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.GetStock,
            [sku, _retentionMs],
            async (command, token) =>
            {
                var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(token).ConfigureAwait(false);
                    return new StockLevel(sku, reader.GetInt64(0), reader.GetInt64(1));
                }
            },
            cancellationToken).ConfigureAwait(false);

    protected override async ValueTask<IReadOnlyList<StockLevel>> GetStockLevelsCoreAsync(IReadOnlyList<string> skus, CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.GetStockLevels,
            [skus.ToArray(), _retentionMs],
            async (command, token) =>
            {
                var levels = new List<StockLevel>(skus.Count);
                var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        levels.Add(new StockLevel(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
                    }
                }

                return (IReadOnlyList<StockLevel>)levels;
            },
            cancellationToken).ConfigureAwait(false);

    protected override async ValueTask<ReservationResult> ReserveCoreAsync(ReservationRequest request, CancellationToken cancellationToken) =>
        _batcher is not null && request.Lines.Count == 1
            ? await _batcher.ReserveAsync(request, cancellationToken).ConfigureAwait(false)
            : await ReserveOneAsync(request, cancellationToken).ConfigureAwait(false);

    private async Task<ReservationResult> ReserveOneAsync(ReservationRequest request, CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.Reserve,
            [
                request.ReservationId,
                request.Lines.Select(line => line.Sku).ToArray(),
                request.Lines.Select(line => line.Quantity).ToArray(),
                BackendDurations.Milliseconds(request.Ttl),
                (object?)request.CustomerId ?? DBNull.Value,
                (object?)request.PerCustomerLimit ?? DBNull.Value,
                _retentionMs,
            ],
            ReadReservationAsync,
            cancellationToken).ConfigureAwait(false);

    protected override ValueTask<ReservationStatus> ConfirmCoreAsync(string reservationId, CancellationToken cancellationToken) =>
        ActAsync(reservationId, ReservationStatus.Confirmed, TimeSpan.Zero, cancellationToken);

    protected override ValueTask<ReservationStatus> ReleaseCoreAsync(string reservationId, CancellationToken cancellationToken) =>
        ActAsync(reservationId, ReservationStatus.Released, TimeSpan.Zero, cancellationToken);

    protected override ValueTask<ReservationStatus> ExtendCoreAsync(string reservationId, TimeSpan ttl, CancellationToken cancellationToken) =>
        ActAsync(reservationId, ReservationStatus.Held, ttl, cancellationToken);

    protected override async ValueTask<IReadOnlyList<ReservationExpired>> ExpireDueCoreAsync(int maxCount, CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.TakeExpired,
            [maxCount, _retentionMs],
            async (command, token) =>
            {
                var expired = new List<ReservationExpired>();
                var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        var skus = reader.GetFieldValue<string[]>(3);
                        var quantities = reader.GetFieldValue<int[]>(4);
                        expired.Add(new ReservationExpired(
                            reader.GetString(0),
                            [.. skus.Zip(quantities, (sku, quantity) => new ReservationLine(sku, quantity))],
                            reader.IsDBNull(1) ? null : reader.GetString(1),
                            reader.GetFieldValue<DateTimeOffset>(2)));
                    }
                }

                return (IReadOnlyList<ReservationExpired>)expired;
            },
            cancellationToken).ConfigureAwait(false);

    private async Task<IReadOnlyList<ReservationResult>> ReserveBatchAsync(IReadOnlyList<ReservationRequest> requests, CancellationToken cancellationToken)
    {
        // Sorted by SKU so concurrent batches lock hot rows in one order; answers go back in the callers' order.
        var order = Enumerable.Range(0, requests.Count).OrderBy(i => requests[i].Lines[0].Sku, StringComparer.Ordinal).ToArray();
        var sorted = order.Select(i => requests[i]).ToArray();
        var answers = await RunAsync(
            _sql.ReserveBatch,
            [
                sorted.Select(r => r.ReservationId).ToArray(),
                sorted.Select(r => r.Lines[0].Sku).ToArray(),
                sorted.Select(r => r.Lines[0].Quantity).ToArray(),
                sorted.Select(r => BackendDurations.Milliseconds(r.Ttl)).ToArray(),
                sorted.Select(r => r.CustomerId).ToArray(),
                sorted.Select(r => r.PerCustomerLimit).ToArray(),
                _retentionMs,
            ],
            async (command, token) =>
            {
                var results = new List<ReservationResult>(sorted.Length);
                var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        var line = sorted[results.Count].Lines[0];
                        results.Add(reader.GetInt32(0) switch
                        {
                            0 => ReservationResult.Reserved(reader.GetFieldValue<DateTimeOffset>(1)),
                            1 => ReservationResult.InsufficientStock([new LineShortfall(line.Sku, line.Quantity, reader.GetInt64(2))]),
                            _ => ReservationResult.LimitExceeded([new LineShortfall(line.Sku, line.Quantity, reader.GetInt64(2))]),
                        });
                    }
                }

                return results;
            },
            cancellationToken).ConfigureAwait(false);

        var inCallerOrder = new ReservationResult[requests.Count];
        for (var i = 0; i < order.Length; i++)
        {
            inCallerOrder[order[i]] = answers[i];
        }

        return inCallerOrder;
    }

    private async ValueTask SetAsync(string sku, long value, bool adjust, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(
                _sql.SetStock,
                [sku, value, adjust, _retentionMs, StockLevel.MaxUnits],
                static async (command, token) => await command.ExecuteNonQueryAsync(token).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.NumericValueOutOfRange)
        {
            throw OverflowingAdjustment(sku, value);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.CheckViolation)
        {
            throw new InvalidOperationException(
                $"SKU '{sku}' would have fewer units on hand than are reserved (or fewer than none); release reservations first. Nothing was changed.", exception);
        }
    }

    // The action is the status it leads to: Held (extend), Confirmed or Released.
    private async ValueTask<ReservationStatus> ActAsync(string reservationId, ReservationStatus action, TimeSpan ttl, CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.Act,
            [reservationId, (short)action, BackendDurations.Milliseconds(ttl), _retentionMs],
            static async (command, token) => (ReservationStatus)(short)(await command.ExecuteScalarAsync(token).ConfigureAwait(false))!,
            cancellationToken).ConfigureAwait(false);

    // Expiring other reservations' holds inside a call can take stock rows out of SKU order; PostgreSQL then may break a
    // rare deadlock by aborting one call, which changed nothing and is run again.
    private async Task<TResult> RunAsync<TResult>(
        string sql,
        object[] parameters,
        Func<NpgsqlCommand, CancellationToken, Task<TResult>> read,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _database.RunStatementAsync(InventorySql.Component, _sql.Schema, sql, parameters, read, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < DeadlockRetries)
            {
            }
        }
    }

    private static async Task<ReservationResult> ReadReservationAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var outcome = reader.GetInt32(0);
            if (outcome == 0)
            {
                return ReservationResult.Reserved(reader.GetFieldValue<DateTimeOffset>(1));
            }

            var skus = reader.GetFieldValue<string[]>(2);
            var requested = reader.GetFieldValue<int[]>(3);
            var available = reader.GetFieldValue<long[]>(4);
            var shortfalls = skus.Select((sku, i) => new LineShortfall(sku, requested[i], available[i])).ToList();
            return outcome == 1 ? ReservationResult.InsufficientStock(shortfalls) : ReservationResult.LimitExceeded(shortfalls);
        }
    }
}
