using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace CommerceKit.PostgreSql;

/// <summary>Options for the PostgreSQL data source every CommerceKit PostgreSQL backend shares.</summary>
public sealed class PostgreSqlOptions
{
    /// <summary>The Npgsql connection string. Required unless <see cref="DataSource"/> is set.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// A data source the application already has, to share its pool with CommerceKit. CommerceKit does not
    /// dispose a data source it did not create.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>
    /// The schema CommerceKit's tables live in, created when missing. Lower-case letters, digits and '_',
    /// starting with a letter or '_', at most 63 characters.
    /// </summary>
    /// <value>The default value is <c>"commercekit"</c>.</value>
    [Required]
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$")]
    public string Schema { get; set; } = "commercekit";

    /// <summary>
    /// How long a call waits for PostgreSQL: to open a connection (Npgsql's <c>Timeout</c>) and for each statement
    /// (<c>Command Timeout</c>), in whole seconds, rounded up. An outage answers with
    /// <see cref="BackendUnavailableException"/> within about this long. Applies to the data source CommerceKit builds
    /// from <see cref="ConnectionString"/>, unless the string sets those keywords itself; not to <see cref="DataSource"/>.
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many times opening a connection is retried before the operation fails with <see cref="BackendUnavailableException"/>.</summary>
    /// <value>The default value is 3.</value>
    [Range(0, 10)]
    public int RetryAttempts { get; set; } = 3;

    /// <summary>The delay before the first retry; later retries back off exponentially, with jitter.</summary>
    /// <value>The default value is 100 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);
}
