using Npgsql;

namespace CommerceKit.TestServers;

/// <summary>Fresh databases on a PostgreSQL server, so that each test class starts clean.</summary>
public static class PostgreSqlDatabases
{
    /// <summary>Creates an empty database and returns its connection string.</summary>
    /// <param name="serverConnectionString">A connection string of a role allowed to create databases.</param>
    public static async Task<string> CreateEmptyAsync(string serverConnectionString)
    {
        var name = "ck_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(serverConnectionString))
        {
            await connection.OpenAsync();

            // The name is made here from a GUID, never from input; CREATE DATABASE takes no parameters.
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
    }
}
