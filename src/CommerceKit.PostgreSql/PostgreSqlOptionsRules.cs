using Microsoft.Extensions.Options;
using Npgsql;

namespace CommerceKit.PostgreSql;

/// <summary>The rules that span several <see cref="PostgreSqlOptions"/> properties.</summary>
internal sealed class PostgreSqlOptionsRules : IValidateOptions<PostgreSqlOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlOptions options)
    {
        if (options.DataSource is not null)
        {
            return ValidateOptionsResult.Success;
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail(
                $"{nameof(PostgreSqlOptions)}.{nameof(PostgreSqlOptions.ConnectionString)} is required unless {nameof(PostgreSqlOptions.DataSource)} is set.");
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            // The message names the bad keyword, never the password's value.
            return ValidateOptionsResult.Fail($"{nameof(PostgreSqlOptions)}.{nameof(PostgreSqlOptions.ConnectionString)} is not valid: {ex.Message}");
        }
    }
}
