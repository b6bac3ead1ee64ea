using System.ComponentModel.DataAnnotations;

namespace CommerceKit.Idempotency;

/// <summary>Options of <see cref="IIdempotencyExecutor"/>, the same for every backend.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>
    /// How long a claim holds while its operation runs. A crashed attempt blocks retries this long; an operation
    /// that runs longer loses its claim and its result is not stored, so make it longer than the slowest operation.
    /// </summary>
    /// <value>The default value is 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a finished operation's response is replayed; afterwards the key may be used again.</summary>
    /// <value>The default value is 24 hours.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a request whose key is in progress waits for the first attempt to finish and replays its response,
    /// before it gives up with <see cref="IdempotencyKeyInUseException"/> (HTTP 409).
    /// </summary>
    /// <value>The default value is zero: answer at once.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan InProgressWait { get; set; } = TimeSpan.Zero;

    /// <summary>Which failed outcomes are stored.</summary>
    /// <value>The default value is <see cref="IdempotencyErrorPolicy.ReleaseServerErrors"/>.</value>
    [EnumDataType(typeof(IdempotencyErrorPolicy))]
    public IdempotencyErrorPolicy ErrorPolicy { get; set; } = IdempotencyErrorPolicy.ReleaseServerErrors;

    /// <summary>A copy, for per-endpoint options that start from the application's.</summary>
    /// <returns>The copy.</returns>
    public IdempotencyOptions Clone() => (IdempotencyOptions)MemberwiseClone();
}
