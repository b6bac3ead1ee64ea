// Usage: CommerceKit.LeaseHolder <lock|idempotency|inventory|cache> <redis|postgresql> <configuration or connection string> <key prefix> <name> <lease ms>
//        CommerceKit.LeaseHolder outbox postgresql <connection string> <schema> <dispatcher name> <lease ms> [stall|slow]
//        CommerceKit.LeaseHolder saga postgresql <connection string> <schema> <hold|load> <saga id> <from> <count> <lease ms>
//        CommerceKit.LeaseHolder stream-consumer <redis configuration> <postgresql connection string> <key prefix> <topic> <effects table>
// Takes the lease of a lock (renewing it), claims an idempotency key in scope "holder" and starts an operation that
// never ends, reserves one unit of the SKU <name> for <lease ms> (reservation id "holder-<name>"), or misses the cache
// key <name> and starts a factory that never ends (holding the key's load lease); prints
// "acquired <fencing token, lease token or 1>", then holds on until the process is killed.
// An outbox dispatcher publishes by inserting into <schema>.published_log (see OutboxLogPublisher) and prints
// "acquired 1" once running; with "stall" it prints it after its first publish and then never returns from it, so its
// claim is neither marked nor handed back; with "slow" each publish takes 5 ms more, so that a kill lands mid-claim.
// A saga runner (see SagaRunnerProcess) runs LoggedSaga: "hold" holds one saga in its charge step, "load" runs many.
// A stream consumer reads a batch of <topic> as member "doomed" of group "shipping", handles the first message (its
// effect and inbox record commit together), prints "acquired 1" and never acknowledges it.
using CommerceKit.Caching;
using CommerceKit.Idempotency;
using CommerceKit.Inventory;
using CommerceKit.Locking;
using Microsoft.Extensions.DependencyInjection;

if (args is ["outbox", "postgresql", var outboxConnection, var schema, var dispatcher, var outboxLease, .. var rest])
{
    return await OutboxDispatcherProcess.RunAsync(outboxConnection, schema, dispatcher, int.Parse(outboxLease, System.Globalization.CultureInfo.InvariantCulture), stall: rest is ["stall"], slow: rest is ["slow"]);
}

if (args is ["saga", "postgresql", var sagaConnection, var sagaSchema, var mode, var sagaId, var from, var count, var sagaLease])
{
    return await SagaRunnerProcess.RunAsync(sagaConnection, sagaSchema, mode, sagaId, Number(from), Number(count), Number(sagaLease));
}

if (args is ["stream-consumer", var redis, var postgres, var prefix, var topic, var effects])
{
    return await StreamConsumerProcess.RunAsync(redis, postgres, prefix, topic, effects);
}

if (args.Length != 6)
{
    Console.Error.WriteLine("usage: <lock|idempotency|inventory|cache> <redis|postgresql> <connection> <key prefix> <name> <lease ms>");
    return 2;
}

var (feature, backend, connection, keyPrefix, name) = (args[0], args[1], args[2], args[3], args[4]);
var lease = TimeSpan.FromMilliseconds(int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture));

var services = new ServiceCollection().AddLogging();
var commerceKit = services.AddCommerceKit(o => o.KeyPrefix = keyPrefix);
_ = (feature, backend) switch
{
    ("lock", "redis") => commerceKit.AddRedis(o => o.Configuration = connection).AddLocking(locking => locking.UseRedis().Configure(o => o.Expiry = lease)),
    ("lock", "postgresql") => commerceKit.AddPostgreSql(o => o.ConnectionString = connection).AddLocking(locking => locking.UsePostgreSql().Configure(o => o.Expiry = lease)),
    ("idempotency", "redis") => commerceKit.AddRedis(o => o.Configuration = connection).AddIdempotency(idempotency => idempotency.UseRedis().Configure(o => o.Lease = lease)),
    ("idempotency", "postgresql") => commerceKit.AddPostgreSql(o => o.ConnectionString = connection).AddIdempotency(idempotency => idempotency.UsePostgreSql().Configure(o => o.Lease = lease)),
    ("inventory", "redis") => commerceKit.AddRedis(o => o.Configuration = connection).AddInventory(inventory => inventory.UseRedis()),
    ("inventory", "postgresql") => commerceKit.AddPostgreSql(o => o.ConnectionString = connection).AddInventory(inventory => inventory.UsePostgreSql()),
    ("cache", "redis") => commerceKit.AddRedis(o => o.Configuration = connection).AddCaching(caching => caching.UseRedis().Configure(o => o.DistributedLoadLease = lease)),
    _ => throw new ArgumentException($"Unknown feature or backend '{feature} {backend}'.", nameof(args)),
};

await using var provider = services.BuildServiceProvider();
if (feature == "lock")
{
    await using var handle = await provider.GetRequiredService<IDistributedLockProvider>().CreateLock(name).AcquireAsync(TimeSpan.FromSeconds(30));
    Console.WriteLine($"acquired {handle.FencingToken}");
    await Task.Delay(Timeout.Infinite, handle.HandleLost);
    return 1;
}

if (feature == "inventory")
{
    var reserved = await provider.GetRequiredService<IInventory>().ReserveAsync(new ReservationRequest("holder-" + name, [new ReservationLine(name, 1)], lease));
    Console.WriteLine(reserved.IsReserved ? "acquired 1" : $"not reserved: {reserved.Outcome}");
    await Task.Delay(Timeout.Infinite);
    return 1;
}

if (feature == "cache")
{
    await provider.GetRequiredService<ICacheAside>().GetOrCreateAsync<int>(name, async (_, token) =>
    {
        Console.WriteLine("acquired 1");
        await Task.Delay(Timeout.Infinite, token);
        return 0;
    });
    return 1;
}

await provider.GetRequiredService<IIdempotencyExecutor>().ExecuteAsync<int>(new IdempotencyKey("holder", name), "holder", async (context, token) =>
{
    Console.WriteLine($"acquired {context.LeaseToken}");
    await Task.Delay(Timeout.Infinite, token);
    return 0;
});
return 1;

static int Number(string text) => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
