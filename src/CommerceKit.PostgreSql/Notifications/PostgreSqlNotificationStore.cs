using System.Text.Json;
using System.Text.Json.Serialization;
using CommerceKit.Notifications;
using CommerceKit.PostgreSql.Connection;
using Npgsql;

namespace CommerceKit.PostgreSql.Notifications;

/// <summary>
/// Notifications as rows of <c>notifications</c>: accepted ones survive restarts, a claim takes due ones earliest first
/// with <c>FOR UPDATE SKIP LOCKED</c> and a lease on the database clock, so instances share the queue.
/// </summary>
internal sealed class PostgreSqlNotificationStore : NotificationStore
{
    private readonly PostgreSqlDatabase _database;
    private readonly NotificationSql _sql;

    public PostgreSqlNotificationStore(PostgreSqlDatabase database)
        : base(PostgreSqlFailures.BackendName)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _sql = new NotificationSql(database.Schema);
    }

    public override async ValueTask EnqueueAsync(QueuedNotification notification, CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.Enqueue,
            Parameters(notification),
            static (command, token) => command.ExecuteNonQueryAsync(token),
            cancellationToken).ConfigureAwait(false);

    public override async ValueTask<IReadOnlyList<QueuedNotification>> ClaimDueAsync(NotificationCategory category, int maxCount, TimeSpan lease, CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.Claim,
            [Text(category), maxCount, lease],
            static async (command, token) =>
            {
                var claimed = new List<QueuedNotification>();
                var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        claimed.Add(new QueuedNotification
                        {
                            NotificationId = reader.GetString(0),
                            RecipientId = reader.GetString(1),
                            Category = ParseCategory(reader.GetString(2)),
                            DueAt = reader.GetFieldValue<DateTimeOffset>(3),
                            Deliveries = JsonSerializer.Deserialize(reader.GetString(4), NotificationJson.Default.RenderedNotificationArray) ?? [],
                        });
                    }
                }

                // RETURNING has no order: earliest due first.
                return (IReadOnlyList<QueuedNotification>)[.. claimed.OrderBy(notification => notification.DueAt)];
            },
            cancellationToken).ConfigureAwait(false);

    public override async ValueTask CompleteAsync(
        string notificationId, NotificationState state, string? sentBy, string? providerMessageId, IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.Complete,
            [
                notificationId, Text(state), (object?)sentBy ?? DBNull.Value, (object?)providerMessageId ?? DBNull.Value,
                JsonSerializer.Serialize([.. attempts], NotificationJson.Default.DeliveryAttemptArray),
            ],
            static (command, token) => command.ExecuteNonQueryAsync(token),
            cancellationToken).ConfigureAwait(false);

    public override async ValueTask<NotificationStatus?> GetAsync(string notificationId, CancellationToken cancellationToken) =>
        (await ReadStatusesAsync(_sql.Get, [notificationId], cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    public override async ValueTask<bool> ReportReceiptAsync(string notificationId, DeliveryReceipt receipt, CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.Receipt,
            [notificationId, Text(receipt == DeliveryReceipt.Delivered ? NotificationState.Delivered : NotificationState.Bounced)],
            static async (command, token) => await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) > 0,
            cancellationToken).ConfigureAwait(false);

    public override async ValueTask<IReadOnlyList<NotificationStatus>> GetDeadLettersAsync(int maxCount, CancellationToken cancellationToken) =>
        await ReadStatusesAsync(_sql.DeadLetters, [maxCount], cancellationToken).ConfigureAwait(false);

    public override async ValueTask<bool> RedriveAsync(string notificationId, CancellationToken cancellationToken) =>
        await RunAsync(_sql.Redrive, [notificationId], static async (command, token) => await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) > 0, cancellationToken)
            .ConfigureAwait(false);

    public override async ValueTask<long> CountPendingAsync(NotificationCategory category, CancellationToken cancellationToken) =>
        await RunAsync(_sql.CountPending, [Text(category)], static async (command, token) => (long)(await command.ExecuteScalarAsync(token).ConfigureAwait(false))!, cancellationToken)
            .ConfigureAwait(false);

    public override async ValueTask<bool> AddToDigestAsync(DigestItem item, CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.AddToDigest,
            [item.ItemId, item.RecipientId, item.DigestKey, item.WindowEnd.ToUniversalTime(), JsonSerializer.Serialize([.. item.Deliveries], NotificationJson.Default.RenderedNotificationArray)],
            static async (command, token) => await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 1,
            cancellationToken).ConfigureAwait(false);

    public override async ValueTask<IReadOnlyList<DigestWindow>> GetDueDigestsAsync(int maxCount, TimeSpan grace, CancellationToken cancellationToken) =>
        await RunAsync(
            _sql.DueDigests,
            [maxCount, grace],
            static async (command, token) =>
            {
                var items = new List<DigestItem>();
                var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        items.Add(new DigestItem
                        {
                            RecipientId = reader.GetString(0),
                            DigestKey = reader.GetString(1),
                            WindowEnd = reader.GetFieldValue<DateTimeOffset>(2),
                            ItemId = reader.GetString(3),
                            Deliveries = JsonSerializer.Deserialize(reader.GetString(4), NotificationJson.Default.RenderedNotificationArray) ?? [],
                        });
                    }
                }

                return (IReadOnlyList<DigestWindow>)[.. items
                    .GroupBy(item => (item.RecipientId, item.DigestKey, item.WindowEnd))
                    .Select(window => new DigestWindow(window.Key.RecipientId, window.Key.DigestKey, window.Key.WindowEnd, [.. window]))];
            },
            cancellationToken).ConfigureAwait(false);

    // One transaction: the window's items as read are removed and the digest is queued, or (another instance closed
    // the window first, so some are gone) nothing changes.
    public override async ValueTask<bool> CloseDigestAsync(DigestWindow window, QueuedNotification digest, CancellationToken cancellationToken)
    {
        await _database.EnsureSchemaAsync(NotificationSql.Component, _sql.Schema, cancellationToken).ConfigureAwait(false);
        return await _database.ExecuteAsync(
            static async (connection, state, token) =>
            {
                var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var removed = await ExecuteAsync(CallerTransactions.CreateCommand(transaction, state.Sql.DeleteDigestItems, (object)state.Window.Items.Select(item => item.ItemId).ToArray()), token).ConfigureAwait(false);
                    if (removed != state.Window.Items.Count
                        || await ExecuteAsync(CallerTransactions.CreateCommand(transaction, state.Sql.EnqueueOnce, Parameters(state.Digest)), token).ConfigureAwait(false) != 1)
                    {
                        await transaction.RollbackAsync(token).ConfigureAwait(false);
                        return false;
                    }

                    await transaction.CommitAsync(token).ConfigureAwait(false);
                    return true;
                }
            },
            (Sql: _sql, Window: window, Digest: digest),
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ExecuteAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static object[] Parameters(QueuedNotification notification) =>
    [
        notification.NotificationId, notification.RecipientId, Text(notification.Category), notification.DueAt.ToUniversalTime(),
        JsonSerializer.Serialize([.. notification.Deliveries], NotificationJson.Default.RenderedNotificationArray),
    ];

    private Task<IReadOnlyList<NotificationStatus>> ReadStatusesAsync(string sql, object[] parameters, CancellationToken cancellationToken) =>
        RunAsync(
            sql,
            parameters,
            static async (command, token) =>
            {
                var statuses = new List<NotificationStatus>();
                var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        statuses.Add(new NotificationStatus
                        {
                            NotificationId = reader.GetString(0),
                            RecipientId = reader.GetString(1),
                            Category = ParseCategory(reader.GetString(2)),
                            State = ParseState(reader.GetString(3)),
                            AcceptedAt = reader.GetFieldValue<DateTimeOffset>(4),
                            DueAt = reader.GetFieldValue<DateTimeOffset>(5),
                            SentBy = reader.IsDBNull(6) ? null : reader.GetString(6),
                            ProviderMessageId = reader.IsDBNull(7) ? null : reader.GetString(7),
                            Attempts = JsonSerializer.Deserialize(reader.GetString(8), NotificationJson.Default.DeliveryAttemptArray) ?? [],
                        });
                    }
                }

                return (IReadOnlyList<NotificationStatus>)statuses;
            },
            cancellationToken);

    private static string Text(NotificationCategory category) => category == NotificationCategory.Transactional ? "transactional" : "promotional";

    private static NotificationCategory ParseCategory(string text) => text == "transactional" ? NotificationCategory.Transactional : NotificationCategory.Promotional;

    private static string Text(NotificationState state) => state switch
    {
        NotificationState.Pending => "pending",
        NotificationState.Sent => "sent",
        NotificationState.Delivered => "delivered",
        NotificationState.Bounced => "bounced",
        NotificationState.DeadLettered => "dead_lettered",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown notification state."),
    };

    private static NotificationState ParseState(string text) => text switch
    {
        "pending" => NotificationState.Pending,
        "sent" => NotificationState.Sent,
        "delivered" => NotificationState.Delivered,
        "bounced" => NotificationState.Bounced,
        "dead_lettered" => NotificationState.DeadLettered,
        _ => throw new InvalidOperationException($"Unknown notification state '{text}' in the notifications table."),
    };

    private Task<TResult> RunAsync<TResult>(string sql, object[] parameters, Func<NpgsqlCommand, CancellationToken, Task<TResult>> read, CancellationToken cancellationToken) =>
        _database.RunStatementAsync(NotificationSql.Component, _sql.Schema, sql, parameters, read, cancellationToken);
}

/// <summary>Deliveries and attempts as JSON: camelCase names, enums as text, so operators can read them in SQL.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RenderedNotification[]))]
[JsonSerializable(typeof(DeliveryAttempt[]))]
internal sealed partial class NotificationJson : JsonSerializerContext;
