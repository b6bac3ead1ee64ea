using CommerceKit.Sagas;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommerceKit.LeaseHolder;

/// <summary>
/// The saga of the saga crash tests, run by the test and by its child processes alike: reserve → charge → confirm,
/// each step recording its call in <c>&lt;schema&gt;.saga_log</c> (compiled into the PostgreSQL tests too).
/// </summary>
public sealed class LoggedSaga : SagaDefinition<LoggedState>
{
    public override string Name => "logged";

    protected override void Configure(ISagaBuilder<LoggedState> saga) => saga
        .Step("reserve", RunAsync, RunAsync)
        .Step("charge", RunAsync, RunAsync)
        .Step("confirm", RunAsync);

    private static async Task RunAsync(SagaStepContext<LoggedState> context, CancellationToken cancellationToken)
    {
        var log = context.Services.GetRequiredService<SagaStepLog>();
        await log.RecordAsync(context.SagaId, context.StepName, context.Attempt, context.IdempotencyKey, cancellationToken);
        context.State.Steps++;
        if (log.HoldAt == context.StepName)
        {
            Console.WriteLine("acquired 1");
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        await Task.Delay(log.StepDelay, cancellationToken);
    }
}

public sealed class LoggedState
{
    public int Steps { get; set; }
}

/// <summary>Where the logged saga's steps record their calls: one row per call, with the instance that made it.</summary>
public sealed class SagaStepLog(NpgsqlDataSource dataSource, string schema, string instance)
{
    /// <summary>The step during which this instance reports "acquired 1" and never returns (to be killed there).</summary>
    public string? HoldAt { get; init; }

    public TimeSpan StepDelay { get; init; }

    public static string CreateTableSql(string schema) =>
        $"CREATE SCHEMA IF NOT EXISTS \"{schema}\"; CREATE TABLE IF NOT EXISTS \"{schema}\".saga_log " +
        "(instance text NOT NULL, saga_id text NOT NULL, step text NOT NULL, attempt integer NOT NULL, idempotency_key text NOT NULL, " +
        "called_at timestamptz NOT NULL DEFAULT clock_timestamp())";

    public async Task RecordAsync(string sagaId, string step, int attempt, string key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"INSERT INTO \"{schema}\".saga_log (instance, saga_id, step, attempt, idempotency_key) VALUES ($1, $2, $3, $4, $5)");
        foreach (var value in new object[] { instance, sagaId, step, attempt, key })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
