using Npgsql;

namespace CommerceKit.PostgreSql.Tests.Outbox;

/// <summary>
/// The table the crash tests' dispatcher processes publish to (tests/CommerceKit.LeaseHolder, mode <c>outbox</c>), in
/// a schema of its own, with the outbox's tables beside it.
/// </summary>
internal sealed class OutboxLog(NpgsqlDataSource dataSource, string schema) : IAsyncDisposable
{
    public string Schema => schema;

    public static async Task<OutboxLog> CreateAsync(string connectionString)
    {
        var log = new OutboxLog(NpgsqlDataSource.Create(connectionString), "outbox_crash_" + Guid.NewGuid().ToString("N")[..10]);
        await log.ExecuteAsync($"""
            CREATE SCHEMA "{log.Schema}";
            CREATE TABLE "{log.Schema}".published_log (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                dispatcher text NOT NULL, message_id uuid NOT NULL, partition_key text NOT NULL, payload text NOT NULL)
            """);
        return log;
    }

    public async Task<long> CountAsync(bool distinct = false)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT count({(distinct ? "DISTINCT message_id" : "*")}) FROM \"{schema}\".published_log");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Every publication in the order it happened.</summary>
    public async Task<IReadOnlyList<(string Dispatcher, Guid MessageId, string Key, string Payload)>> ReadAsync()
    {
        await using var command = dataSource.CreateCommand($"SELECT dispatcher, message_id, partition_key, payload FROM \"{schema}\".published_log ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, Guid, string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3)));
        }

        return rows;
    }

    /// <summary>
    /// The messages the dispatcher of process <paramref name="processId"/> has claimed and not marked published;
    /// with <paramref name="unpublishedOnly"/>, only those it has not published yet either.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> HeldByAsync(int processId, bool unpublishedOnly = false)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT id FROM "{schema}".outbox_messages m
            WHERE published_at IS NULL AND claimed_by LIKE '%/' || $1 || '/%'
              AND NOT ($2 AND EXISTS (SELECT 1 FROM "{schema}".published_log l WHERE l.message_id = m.id))
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = processId.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        command.Parameters.Add(new NpgsqlParameter { Value = unpublishedOnly });
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    private async Task ExecuteAsync(string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
