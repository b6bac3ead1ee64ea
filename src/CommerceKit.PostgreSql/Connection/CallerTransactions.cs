using Npgsql;

namespace CommerceKit.PostgreSql.Connection;

/// <summary>Statements CommerceKit runs inside a transaction the application owns (fenced writes, idempotent completion).</summary>
internal static class CallerTransactions
{
    /// <summary>
    /// A command with <paramref name="parameters"/> in <paramref name="transaction"/>; an <see cref="ArgumentException"/>
    /// for <c>transaction</c> when it has already committed, rolled back or been disposed.
    /// </summary>
    public static NpgsqlCommand CreateCommand(NpgsqlTransaction transaction, string sql, params object[] parameters)
    {
        var command = Create(transaction, connection => new NpgsqlCommand(sql, connection, transaction));
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }

    /// <summary>An empty batch in <paramref name="transaction"/>, with the same <see cref="ArgumentException"/> as <see cref="CreateCommand"/>.</summary>
    public static NpgsqlBatch CreateBatch(NpgsqlTransaction transaction) =>
        Create(transaction, connection => new NpgsqlBatch(connection, transaction));

    private static T Create<T>(NpgsqlTransaction transaction, Func<NpgsqlConnection, T> create)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        try
        {
            return create(transaction.Connection ?? throw new InvalidOperationException("The transaction has no connection."));
        }
        catch (Exception exception) when (exception is InvalidOperationException or ObjectDisposedException)
        {
            throw new ArgumentException("The transaction has already completed.", nameof(transaction), exception);
        }
    }
}
