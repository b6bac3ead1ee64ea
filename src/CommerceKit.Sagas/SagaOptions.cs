using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace CommerceKit.Sagas;

/// <summary>Options of the saga runner, the same for every backend.</summary>
public sealed class SagaOptions
{
    /// <summary>The JSON options sagas' state is written with unless <see cref="SerializerOptions"/> is set: <see cref="JsonSerializerOptions.Web"/>.</summary>
    public static JsonSerializerOptions DefaultSerializerOptions => JsonSerializerOptions.Web;

    /// <summary>
    /// How long a running saga is its instance's without a renewal, on the backend's clock: after a crash, another
    /// instance resumes the saga this long after the last renewal.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an instance renews the leases of the sagas it runs; shorter than <see cref="Lease"/>.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan LeaseRenewalInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether this instance resumes sagas whose lease ran out (every instance should, unless it only starts sagas).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RecoveryEnabled { get; set; } = true;

    /// <summary>How often this instance looks for sagas whose lease ran out.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many sagas one recovery pass takes over at most.</summary>
    /// <value>The default value is 100.</value>
    [Range(1, 10_000)]
    public int RecoveryBatchSize { get; set; } = 100;

    /// <summary>How long one attempt of a step may run, unless the step says otherwise.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many attempts a step gets, unless it says otherwise.</summary>
    /// <value>The default value is 3.</value>
    [Range(1, 1000)]
    public int StepMaxAttempts { get; set; } = 3;

    /// <summary>The delay before a step's second attempt, unless it says otherwise; it doubles with each further attempt, with jitter.</summary>
    /// <value>The default value is 200 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan StepRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How many attempts a compensation gets before the saga is parked in <see cref="SagaStatus.CompensationFailed"/>.</summary>
    /// <value>The default value is 10.</value>
    [Range(1, 1000)]
    public int CompensationMaxAttempts { get; set; } = 10;

    /// <summary>The delay before a compensation's second attempt; it doubles with each further attempt, with jitter.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CompensationRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between two attempts of a step or compensation.</summary>
    /// <value>The default value is 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often <see cref="ISagaRunner.RunAsync{TSaga, TState}"/> reads a saga another instance runs, while waiting for it.</summary>
    /// <value>The default value is 200 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan WaitPollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often the sagas-by-status gauge is refreshed from the backend.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The JSON options states are written and read with; <see langword="null"/> for <see cref="DefaultSerializerOptions"/>.</summary>
    public JsonSerializerOptions? SerializerOptions { get; set; }
}
