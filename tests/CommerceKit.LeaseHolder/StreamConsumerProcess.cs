using CommerceKit.PostgreSql.Outbox;
using CommerceKit.Redis.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

/// <summary>A Redis Streams consumer that dies after committing one message and before acknowledging it.</summary>
internal static class StreamConsumerProcess
{
    public static async Task<int> RunAsync(string redis, string postgres, string keyPrefix, string topic, string effectsTable)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddCommerceKit(o => o.KeyPrefix = keyPrefix)
            .AddRedis(o => o.Configuration = redis)
            .AddPostgreSql(o => o.ConnectionString = postgres)
            .AddInbox(inbox => inbox.UsePostgreSql())
            .AddRedisStreamsConsumer();
        await using var provider = services.BuildServiceProvider();
        var inbox = provider.GetRequiredService<PostgreSqlInbox>();
        await provider.GetRequiredService<RedisStreamsConsumer>().RunAsync(
            new RedisStreamsSubscription(topic, "shipping", "doomed") { BatchSize = 10 },
            async (envelope, token) =>
            {
                await inbox.ProcessOnceAsync("shipping", envelope.Id, async (transaction, t) =>
                {
                    await using var command = new NpgsqlCommand($"INSERT INTO {effectsTable} (message_id, consumer) VALUES ($1, 'doomed')", transaction.Connection, transaction);
                    command.Parameters.Add(new NpgsqlParameter { Value = envelope.Id });
                    await command.ExecuteNonQueryAsync(t);
                }, token);
                Console.WriteLine("acquired 1");
                await Task.Delay(Timeout.Infinite, CancellationToken.None);
            },
            CancellationToken.None);
        return 1;
    }
}
