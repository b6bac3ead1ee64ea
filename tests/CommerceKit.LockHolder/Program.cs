// Usage: CommerceKit.LockHolder <redis|postgresql> <configuration or connection string> <key prefix> <lock name> <expiry ms>
// Prints "acquired <fencing token>" once it holds the lock, then holds it (renewing) until the process is killed.
using CommerceKit.Locking;
using Microsoft.Extensions.DependencyInjection;

if (args.Length != 5)
{
    Console.Error.WriteLine("usage: <redis|postgresql> <connection> <key prefix> <lock name> <expiry ms>");
    return 2;
}

var (backend, connection, keyPrefix, lockName) = (args[0], args[1], args[2], args[3]);
var expiry = TimeSpan.FromMilliseconds(int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture));

var services = new ServiceCollection().AddLogging();
var commerceKit = services.AddCommerceKit(o => o.KeyPrefix = keyPrefix);
_ = backend switch
{
    "redis" => commerceKit.AddRedis(o => o.Configuration = connection).AddRedisLocks(o => o.Expiry = expiry),
    "postgresql" => commerceKit.AddPostgreSql(o => o.ConnectionString = connection).AddPostgreSqlLocks(o => o.Expiry = expiry),
    _ => throw new ArgumentException($"Unknown backend '{backend}'.", nameof(args)),
};

await using var provider = services.BuildServiceProvider();
await using var handle = await provider.GetRequiredService<IDistributedLockProvider>().CreateLock(lockName).AcquireAsync(TimeSpan.FromSeconds(30));
Console.WriteLine($"acquired {handle.FencingToken}");
await Task.Delay(Timeout.Infinite, handle.HandleLost);
return 1;
