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
        NpgsqlCommand command;
        try
        {
            var connection = transaction.Connection ?? throw new InvalidOperationException("The transaction has no connection.");
            command = new NpgsqlCommand(sql, connection, transaction);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ObjectDisposedException)
        {
            throw new ArgumentException("The transaction has already completed.", nameof(transaction), exception);
        }

        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }
}
