using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Sagas;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace CommerceKit.ConformanceTests.Sagas;

/// <summary>
/// One saga backend as the conformance suite sees it: application instances sharing the backend, each with its own
/// runner (started on first use: no host), all obeying one <see cref="SagaScript"/>.
/// </summary>
public abstract class SagaBackend : BackendInstances
{
    private int _instances;

    /// <summary>Starts an instance running <see cref="ScriptedSaga"/> unless <paramref name="sagas"/> registers others.</summary>
    public SagaInstance CreateInstance(SagaScript script, Action<SagaOptions>? configure = null, Action<SagasBuilder>? sagas = null, TimeProvider? time = null)
    {
        var name = $"instance-{Interlocked.Increment(ref _instances)}";
        var services = CreateInstance(builder =>
        {
            builder.Services.AddSingleton(script).AddSingleton(new InstanceName(name)).AddScoped<AttemptScope>();
            if (time is not null)
            {
                builder.Services.Replace(ServiceDescriptor.Singleton(time));
            }

            AddBackend(builder, saga =>
            {
                (sagas ?? (s => s.AddSaga<ScriptedSaga>()))(saga);
                saga.Configure(options =>
                {
                    // Tests must not wait out production-sized delays; leases stay long enough for a loaded machine.
                    options.Lease = TimeSpan.FromSeconds(5);
                    options.LeaseRenewalInterval = TimeSpan.FromSeconds(1);
                    options.RecoveryInterval = TimeSpan.FromMilliseconds(100);
                    options.StepRetryDelay = TimeSpan.Zero;
                    options.CompensationRetryDelay = TimeSpan.Zero;
                    options.CompensationMaxAttempts = 3;
                    options.WaitPollInterval = TimeSpan.FromMilliseconds(20);
                    configure?.Invoke(options);
                });
            });
        });
        return new SagaInstance(name, services);
    }

    /// <summary>
    /// Starts an instance that stands for one whose process froze (or died) mid-step: its clock never moves, so it never
    /// renews its leases, never retries after a delay and never recovers; its lease is short, so others take over soon.
    /// </summary>
    public SagaInstance CreateFrozenInstance(SagaScript script, Action<SagasBuilder>? sagas = null) =>
        CreateInstance(script, options =>
        {
            options.Lease = TimeSpan.FromSeconds(1);
            options.LeaseRenewalInterval = TimeSpan.FromMilliseconds(300);
            options.RecoveryEnabled = false;
        }, sagas, new FakeTimeProvider());

    /// <summary>Registers the backend's saga store, passing <paramref name="configure"/> on.</summary>
    protected abstract void AddBackend(ICommerceKitBuilder builder, Action<SagasBuilder> configure);
}

/// <summary>One application instance: its runner and the store under it.</summary>
public sealed class SagaInstance(string name, IServiceProvider services)
{
    public string Name { get; } = name;

    // Resolved on use, so that a definition's mistake surfaces where the test looks for it.
    public ISagaRunner Runner => services.GetRequiredService<ISagaRunner>();

    public SagaStore Store => services.GetRequiredService<SagaStore>();

    public IServiceProvider Services => services;
}
