using CommerceKit.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

/// <summary>An outbox dispatcher in a process of its own, publishing to a log table, for the crash tests.</summary>
internal static class OutboxDispatcherProcess
{
    public static async Task<int> RunAsync(string connectionString, string schema, string dispatcher, int leaseMs, bool stall, bool slow)
    {
        await using var log = NpgsqlDataSource.Create(connectionString);
        var services = new ServiceCollection().AddLogging();
        services.AddCommerceKit()
            .AddPostgreSql(o =>
            {
                o.ConnectionString = connectionString;
                o.Schema = schema;

                // Crash tests run several of these beside the other tests on two cores: a statement may wait, and a
                // timed-out mark would publish again what the test expects only the killed dispatcher to repeat.
                o.OperationTimeout = TimeSpan.FromSeconds(30);
            })
            .AddOutbox(outbox => outbox.UsePostgreSql().Configure(o =>
            {
                o.Lease = TimeSpan.FromMilliseconds(leaseMs);
                o.PollInterval = TimeSpan.FromMilliseconds(200);
                // Ten keys a claim, so that three dispatchers share the crash test's fifty keys.
                o.BatchSize = 10;
            }));
        services.AddSingleton<IOutboxPublisher>(new OutboxLogPublisher(log, schema, dispatcher, stall, slow));
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IOutbox>();
        if (!stall)
        {
            Console.WriteLine("acquired 1");
        }

        await Task.Delay(Timeout.Infinite);
        return 1;
    }

    /// <summary>Inserts each message into <c>published_log</c> (dispatcher, id, key, payload) in its own transaction.</summary>
    private sealed class OutboxLogPublisher(NpgsqlDataSource log, string schema, string dispatcher, bool stall, bool slow) : IOutboxPublisher
    {
        private readonly string _insert = $"INSERT INTO \"{schema}\".published_log (dispatcher, message_id, partition_key, payload) VALUES ($1, $2, $3, $4)";

        public async ValueTask PublishAsync(OutboxEnvelope envelope, CancellationToken cancellationToken)
        {
            if (slow)
            {
                await Task.Delay(5, cancellationToken);
            }

            await using (var command = log.CreateCommand(_insert))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = dispatcher });
                command.Parameters.Add(new NpgsqlParameter { Value = envelope.Id });
                command.Parameters.Add(new NpgsqlParameter { Value = envelope.PartitionKey });
                command.Parameters.Add(new NpgsqlParameter { Value = System.Text.Encoding.UTF8.GetString(envelope.Payload.Span) });
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            if (stall)
            {
                Console.WriteLine("acquired 1");
                await Task.Delay(Timeout.Infinite, CancellationToken.None);
            }
        }
    }
}
