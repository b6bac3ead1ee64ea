using System.Text.Json;
using System.Text.Json.Serialization;
using CommerceKit.PostgreSql.Connection;
using CommerceKit.Sagas;
using Npgsql;

namespace CommerceKit.PostgreSql.Sagas;

/// <summary>
/// Sagas as rows of <c>sagas</c>: each transition is one fenced <c>UPDATE</c> (status, state and journal together, the
/// lease renewed), leases run on the database clock, and recovery takes expired ones with <c>FOR UPDATE SKIP LOCKED</c>.
/// </summary>
internal sealed class PostgreSqlSagaStore : SagaStore
{
    private readonly PostgreSqlDatabase _database;
    private readonly SagaSql _sql;

    public PostgreSqlSagaStore(PostgreSqlDatabase database)
        : base(PostgreSqlFailures.BackendName)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _sql = new SagaSql(database.Schema);
    }

    public override async ValueTask<SagaLease?> CreateAsync(SagaSnapshot saga, TimeSpan lease, CancellationToken cancellationToken) =>
        (await ReadAsync(
            _sql.Create,
            [saga.SagaId, saga.SagaName, saga.Version, StatusText(saga.Status), (object?)saga.CurrentStep ?? DBNull.Value, saga.State, WriteJournal(saga.Journal), lease],
            cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    public override async ValueTask<SagaLease?> TryAcquireAsync(string sagaId, TimeSpan lease, bool includeParked, CancellationToken cancellationToken) =>
        (await ReadAsync(_sql.Acquire, [sagaId, lease, includeParked], cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    public override async ValueTask<IReadOnlyList<SagaLease>> ClaimExpiredAsync(int maxCount, TimeSpan lease, CancellationToken cancellationToken) =>
        await ReadAsync(_sql.ClaimExpired, [maxCount, lease], cancellationToken).ConfigureAwait(false);

    public override async ValueTask<SagaSaveResult> SaveAsync(SagaSnapshot saga, long leaseToken, TimeSpan lease, CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.Save,
            [
                saga.SagaId, leaseToken, StatusText(saga.Status), Nullable(saga.CurrentStep), Nullable(saga.FailedStep), Nullable(saga.Error),
                saga.State, WriteJournal(saga.Journal), lease,
            ],
            static async (command, token) =>
            {
                var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(token).ConfigureAwait(false)
                        ? new SagaSaveResult(true, reader.IsDBNull(0) ? null : reader.GetString(0))
                        : new SagaSaveResult(false, null);
                }
            },
            cancellationToken).ConfigureAwait(false);

    public override async ValueTask<IReadOnlyList<string>> RenewAsync(IReadOnlyList<(string SagaId, long Token)> leases, TimeSpan lease, CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.Renew,
            [leases.Select(held => held.SagaId).ToArray(), leases.Select(held => held.Token).ToArray(), lease],
            static async (command, token) =>
            {
                var lost = new List<string>();
                var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        lost.Add(reader.GetString(0));
                    }
                }

                return lost;
            },
            cancellationToken).ConfigureAwait(false);

    public override async ValueTask<bool> RequestAbortAsync(string sagaId, string reason, CancellationToken cancellationToken) =>
        await RunAsync(_sql.RequestAbort, [sagaId, reason], static async (command, token) => await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) > 0, cancellationToken)
            .ConfigureAwait(false);

    public override async ValueTask<SagaSnapshot?> GetAsync(string sagaId, CancellationToken cancellationToken) =>
        (await ReadAsync(_sql.Get, [sagaId], cancellationToken).ConfigureAwait(false)).SingleOrDefault()?.Saga;

    public override async ValueTask<IReadOnlyList<SagaSnapshot>> QueryAsync(SagaQuery query, CancellationToken cancellationToken) =>
        [.. (await ReadAsync(
            _sql.Query,
            [
                query.Status is { } status ? StatusText(status) : DBNull.Value, Nullable(query.SagaName), Nullable(query.CurrentStep),
                query.NoProgressSince is { } since ? since.ToUniversalTime() : DBNull.Value, query.MaxCount,
            ],
            cancellationToken).ConfigureAwait(false)).Select(lease => lease.Saga)];

    public override async ValueTask<IReadOnlyDictionary<SagaStatus, long>> CountByStatusAsync(CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.CountByStatus,
            [],
            static async (command, token) =>
            {
                var counts = new Dictionary<SagaStatus, long>();
                var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        counts[ParseStatus(reader.GetString(0))] = reader.GetInt64(1);
                    }
                }

                return (IReadOnlyDictionary<SagaStatus, long>)counts;
            },
            cancellationToken).ConfigureAwait(false);

    private Task<IReadOnlyList<SagaLease>> ReadAsync(string sql, object[] parameters, CancellationToken cancellationToken) =>
        RunAsync(
            sql,
            parameters,
            static async (command, token) =>
            {
                var sagas = new List<SagaLease>();
                var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        sagas.Add(Read(reader));
                    }
                }

                return (IReadOnlyList<SagaLease>)sagas;
            },
            cancellationToken);

    private static SagaLease Read(NpgsqlDataReader reader) =>
        new(
            new SagaSnapshot
            {
                SagaId = reader.GetString(0),
                SagaName = reader.GetString(1),
                Version = reader.GetInt32(2),
                Status = ParseStatus(reader.GetString(3)),
                CurrentStep = reader.IsDBNull(4) ? null : reader.GetString(4),
                FailedStep = reader.IsDBNull(5) ? null : reader.GetString(5),
                Error = reader.IsDBNull(6) ? null : reader.GetString(6),
                AbortReason = reader.IsDBNull(7) ? null : reader.GetString(7),
                State = reader.GetString(8),
                Journal = JsonSerializer.Deserialize(reader.GetString(9), SagaJournalJson.Default.SagaStepRecordArray) ?? [],
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(10),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(11),
            },
            reader.GetInt64(12));

    private static string WriteJournal(IReadOnlyList<SagaStepRecord> journal) =>
        JsonSerializer.Serialize(journal as SagaStepRecord[] ?? [.. journal], SagaJournalJson.Default.SagaStepRecordArray);

    private static object Nullable(string? value) => (object?)value ?? DBNull.Value;

    private static string StatusText(SagaStatus status) => status switch
    {
        SagaStatus.Running => "running",
        SagaStatus.Compensating => "compensating",
        SagaStatus.Completed => "completed",
        SagaStatus.Compensated => "compensated",
        SagaStatus.CompensationFailed => "compensation_failed",
        SagaStatus.Parked => "parked",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown saga status."),
    };

    private static SagaStatus ParseStatus(string text) => text switch
    {
        "running" => SagaStatus.Running,
        "compensating" => SagaStatus.Compensating,
        "completed" => SagaStatus.Completed,
        "compensated" => SagaStatus.Compensated,
        "compensation_failed" => SagaStatus.CompensationFailed,
        "parked" => SagaStatus.Parked,
        _ => throw new InvalidOperationException($"Unknown saga status '{text}' in the sagas table."),
    };

    private Task<TResult> RunAsync<TResult>(string sql, object[] parameters, Func<NpgsqlCommand, CancellationToken, Task<TResult>> read, CancellationToken cancellationToken) =>
        _database.RunStatementAsync(SagaSql.Component, _sql.Schema, sql, parameters, read, cancellationToken);
}

/// <summary>The journal's JSON: camelCase names, statuses as text, so operators can read it in SQL.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SagaStepRecord[]))]
internal sealed partial class SagaJournalJson : JsonSerializerContext;
