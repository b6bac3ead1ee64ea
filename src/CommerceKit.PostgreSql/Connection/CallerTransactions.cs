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
        var command = new NpgsqlCommand(sql, ConnectionOf(transaction), transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }

    /// <summary>
    /// The open connection of <paramref name="transaction"/>; an <see cref="ArgumentException"/> for <c>transaction</c>
    /// when it has already committed, rolled back or been disposed.
    /// </summary>
    public static NpgsqlConnection ConnectionOf(NpgsqlTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        try
        {
            return transaction.Connection ?? throw new InvalidOperationException("The transaction has no connection.");
        }
        catch (Exception exception) when (exception is InvalidOperationException or ObjectDisposedException)
        {
            throw new ArgumentException("The transaction has already completed.", nameof(transaction), exception);
        }
    }
}
