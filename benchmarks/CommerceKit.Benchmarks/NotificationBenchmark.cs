using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using CommerceKit.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Benchmarks;

/// <summary>
/// The notification pipeline with in-memory providers, from <see cref="INotificationDispatcher.SendAsync"/> to the
/// provider having the message (recipient lookup, preferences, rendering, queue, claim, send, delivery log):
/// <list type="bullet">
/// <item><b>Throughput</b>: 1,000 transactional notifications accepted at once and awaited until all are sent, in memory
/// and on PostgreSQL; rows per notification.</item>
/// <item><b>Under a flood</b>: one order confirmation, accept → provider, while at least 50,000 promotions wait and are
/// being sent (1 ms each, by the senders not kept for transactional).</item>
/// </list>
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 10, iterationCount: 100, invocationCount: 1)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[MemoryDiagnoser]
[Config(typeof(PercentilesConfig))]
public class NotificationBenchmark
{
    private const int Batch = 1000;
    private const int Flood = 50_000;

    private readonly List<ServiceProvider> _providers = [];
    private readonly SignalProvider _memoryMail = new("mail", NotificationChannel.Email);
    private readonly SignalProvider _postgresMail = new("mail", NotificationChannel.Email);
    private readonly SignalProvider _floodedMail = new("mail", NotificationChannel.Email);
    private readonly SlowPush _floodPush = new();
    private readonly CancellationTokenSource _stopFlooding = new();
    private Task _flooding = Task.CompletedTask;
    private BenchmarkPostgres? _postgres;
    private INotificationDispatcher _memory = null!;
    private INotificationDispatcher _postgreSql = null!;
    private INotificationDispatcher _flooded = null!;
    private long _next;

    [GlobalSetup(Targets = [nameof(InMemoryThroughput), nameof(PostgreSqlThroughput)])]
    public async Task SetupAsync()
    {
        _postgres = await BenchmarkPostgres.StartAsync();
        _memory = Dispatcher(_memoryMail, null, postgres: false);
        _postgreSql = Dispatcher(_postgresMail, null, postgres: true);
        await InMemoryThroughput();
        await PostgreSqlThroughput();
    }

    // Only the flood's own row runs beside the flood (each benchmark runs in a process of its own).
    [GlobalSetup(Target = nameof(TransactionalUnderFlood))]
    public async Task SetupFloodAsync()
    {
        _flooded = Dispatcher(_floodedMail, _floodPush, postgres: false);
        await TopUpFloodAsync(CancellationToken.None);
        _flooding = Task.Run(() => KeepFloodingAsync(_stopFlooding.Token));
        await TransactionalUnderFlood();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _stopFlooding.CancelAsync();
        await _flooding.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    [BenchmarkCategory("Throughput"), Benchmark(OperationsPerInvoke = Batch, Description = "in memory: 1,000 accepted → sent")]
    public Task InMemoryThroughput() => SendBatchAsync(_memory, _memoryMail);

    [BenchmarkCategory("Throughput"), Benchmark(OperationsPerInvoke = Batch, Description = "PostgreSQL: 1,000 accepted → sent")]
    public Task PostgreSqlThroughput() => SendBatchAsync(_postgreSql, _postgresMail);

    [BenchmarkCategory("Under a promotional flood"), Benchmark(Description = "in memory: 1 order confirmation, accept → provider, 50,000+ promotions waiting")]
    public async Task TransactionalUnderFlood()
    {
        var sent = _floodedMail.Expect(1);
        await _flooded.SendAsync(Order());
        await sent;
    }

    private async Task SendBatchAsync(INotificationDispatcher dispatcher, SignalProvider mail)
    {
        var sent = mail.Expect(Batch);
        await Task.WhenAll(Enumerable.Range(0, Batch).Select(_ => dispatcher.SendAsync(Order()).AsTask()));
        await sent;
    }

    // The flood is topped up in the background throughout the run, so at least 50,000 promotions always wait.
    private async Task KeepFloodingAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await TopUpFloodAsync(cancellationToken);
            await Task.Delay(50, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task TopUpFloodAsync(CancellationToken cancellationToken)
    {
        var waiting = Volatile.Read(ref _floodPush.Accepted) - Volatile.Read(ref _floodPush.Sent);
        for (var n = waiting; n < Flood && !cancellationToken.IsCancellationRequested; n++)
        {
            await _flooded.SendAsync(new NotificationRequest
            {
                RecipientId = "customer", TemplateId = "promotion", Category = NotificationCategory.Promotional, Channels = [NotificationChannel.Push],
                Data = new Dictionary<string, string> { ["offer"] = "10% off" },
            });
            Interlocked.Increment(ref _floodPush.Accepted);
        }
    }

    private NotificationRequest Order() => new()
    {
        RecipientId = "customer",
        TemplateId = "order-confirmation",
        Data = new Dictionary<string, string> { ["orderId"] = $"{Interlocked.Increment(ref _next)}" },
    };

    private INotificationDispatcher Dispatcher(SignalProvider mail, SlowPush? push, bool postgres)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IRecipientDirectory>(new OneRecipient());
        var commerceKit = services.AddCommerceKit();
        if (postgres)
        {
            commerceKit.AddPostgreSql(o => o.ConnectionString = _postgres!.ConnectionString);
        }

        commerceKit.AddNotifications(notifications =>
        {
            notifications.AddProvider(mail)
                .AddTemplate(new NotificationTemplate("order-confirmation", "Order {{orderId}} is confirmed.") { Subject = "Your order {{orderId}}" })
                .AddTemplate(new NotificationTemplate("promotion", "{{offer}} today only."))
                .Configure(o => o.PromotionalLimit = 0);
            if (push is not null)
            {
                notifications.AddProvider(push);
            }

            if (postgres)
            {
                notifications.UsePostgreSql();
            }
        });
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<INotificationDispatcher>();
    }

    private sealed class OneRecipient : IRecipientDirectory
    {
        private static readonly Recipient Customer = new()
        {
            Id = "customer",
            Addresses = new Dictionary<NotificationChannel, string> { [NotificationChannel.Email] = "customer@example.com", [NotificationChannel.Push] = "device-1" },
        };

        public ValueTask<Recipient?> GetAsync(string recipientId, CancellationToken cancellationToken) => ValueTask.FromResult<Recipient?>(Customer);
    }

    /// <summary>Completes a task once the expected number of notifications has been sent.</summary>
    private sealed class SignalProvider(string name, NotificationChannel channel) : INotificationProvider
    {
        private int _remaining;
        private TaskCompletionSource? _done;

        public string Name { get; } = name;

        public NotificationChannel Channel { get; } = channel;

        public Task Expect(int count)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _done = done;
            Volatile.Write(ref _remaining, count);
            return done.Task;
        }

        public ValueTask<ProviderResult> SendAsync(RenderedNotification notification, CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _done?.TrySetResult();
            }

            return ValueTask.FromResult(ProviderResult.Sent(notification.NotificationId));
        }
    }

    /// <summary>A push provider taking 1 ms a message: the flood.</summary>
    private sealed class SlowPush : INotificationProvider
    {
        public int Accepted;
        public int Sent;

        public string Name => "push";

        public NotificationChannel Channel => NotificationChannel.Push;

        public async ValueTask<ProviderResult> SendAsync(RenderedNotification notification, CancellationToken cancellationToken)
        {
            await Task.Delay(1, cancellationToken);
            Interlocked.Increment(ref Sent);
            return ProviderResult.Sent(notification.NotificationId);
        }
    }
}
