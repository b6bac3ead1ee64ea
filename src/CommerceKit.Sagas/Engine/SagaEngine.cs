using System.Collections.Concurrent;
using System.Text.Json;
using CommerceKit.Shared.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace CommerceKit.Sagas.Engine;

/// <summary>
/// The saga runner: starts sagas and runs each on a background task of this instance (<see cref="SagaExecution"/>),
/// renews the leases of those it runs, and resumes sagas whose lease ran out. Started by the host or on first use.
/// </summary>
internal sealed class SagaEngine : BackgroundLoops, ISagaRunner
{
    private readonly ConcurrentDictionary<string, SagaExecution> _running = new(StringComparer.Ordinal);
    private readonly SagaRegistry _registry;
    private readonly SagaOptions _options;
    private readonly ResiliencePipeline _savePipeline;

    public SagaEngine(
        SagaStore store,
        SagaRegistry registry,
        IOptions<SagaOptions> options,
        IServiceScopeFactory scopeFactory,
        TimeProvider timeProvider,
        ILogger<SagaEngine>? logger = null)
    {
        Store = store;
        _registry = registry;
        _options = options.Value;
        ScopeFactory = scopeFactory;
        TimeProvider = timeProvider;
        Logger = logger ?? NullLogger<SagaEngine>.Instance;
        JsonOptions = _options.SerializerOptions ?? SagaOptions.DefaultSerializerOptions;

        // A save is fenced by the lease token, so repeating one after an outage is harmless.
        _savePipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<BackendUnavailableException>(),
                MaxRetryAttempts = 4,
                Delay = TimeSpan.FromMilliseconds(250),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .Build();
    }

    public SagaStore Store { get; }

    public ILogger Logger { get; }

    public IServiceScopeFactory ScopeFactory { get; }

    public TimeProvider TimeProvider { get; }

    public JsonSerializerOptions JsonOptions { get; }

    public async Task<SagaResult> RunAsync<TSaga, TState>(string sagaId, TState initialState, CancellationToken cancellationToken = default)
        where TSaga : SagaDefinition<TState>
        where TState : class
    {
        var started = await StartCoreAsync<TSaga, TState>(sagaId, initialState, runInline: true, cancellationToken).ConfigureAwait(false);
        return started.IsRunning
            ? await WaitAsync(sagaId, cancellationToken).ConfigureAwait(false) ?? started
            : started;
    }

    public Task<SagaResult> StartAsync<TSaga, TState>(string sagaId, TState initialState, CancellationToken cancellationToken = default)
        where TSaga : SagaDefinition<TState>
        where TState : class =>
        StartCoreAsync<TSaga, TState>(sagaId, initialState, runInline: false, cancellationToken);

    // A caller that waits for the outcome lends its own flow to the saga up to the first await (no thread hop); one
    // that only starts it gets its answer at once, the saga running on the thread pool.
    private async Task<SagaResult> StartCoreAsync<TSaga, TState>(string sagaId, TState initialState, bool runInline, CancellationToken cancellationToken)
        where TSaga : SagaDefinition<TState>
        where TState : class
    {
        KeyGuard.ThrowIfInvalid(sagaId);
        ArgumentNullException.ThrowIfNull(initialState);
        var plan = _registry.Get(typeof(TSaga));
        var (json, state) = CopyInitialState(plan, initialState);
        EnsureStarted();

        var saga = new SagaSnapshot
        {
            SagaId = sagaId,
            SagaName = plan.Name,
            Version = plan.Version,
            Status = SagaStatus.Running,
            CurrentStep = plan.StepNames[0],
            State = json,
            Journal = SagaProgress.NewJournal(plan),
        };
        var lease = await Store.CreateAsync(saga, _options.Lease, cancellationToken).ConfigureAwait(false);
        if (lease is not null)
        {
            Launch(plan, lease, state, runInline);
            return lease.Saga.ToResult();
        }

        var existing = await Store.GetAsync(sagaId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Saga '{sagaId}' exists but could not be read.");
        return existing.SagaName == plan.Name
            ? existing.ToResult()
            : throw new ArgumentException($"Saga id '{sagaId}' is taken by a saga of definition '{existing.SagaName}'.", nameof(sagaId));
    }

    public async Task<SagaResult?> WaitAsync(string sagaId, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(sagaId);
        while (true)
        {
            if (_running.TryGetValue(sagaId, out var execution)
                && await execution.Outcome.WaitAsync(cancellationToken).ConfigureAwait(false) is { } outcome)
            {
                return outcome;
            }

            var saga = await Store.GetAsync(sagaId, cancellationToken).ConfigureAwait(false);
            if (saga is null || !saga.IsRunning)
            {
                return saga?.ToResult();
            }

            if (!_running.ContainsKey(sagaId))
            {
                await Task.Delay(_options.WaitPollInterval, TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<SagaSnapshot?> GetAsync(string sagaId, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(sagaId);
        return await Store.GetAsync(sagaId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SagaSnapshot>> QueryAsync(SagaQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.MaxCount, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.MaxCount, 1000, nameof(query));
        if (query.SagaName is not null)
        {
            KeyGuard.ThrowIfInvalid(query.SagaName, nameof(query));
        }

        if (query.CurrentStep is not null)
        {
            KeyGuard.ThrowIfInvalid(query.CurrentStep, nameof(query));
        }

        return await Store.QueryAsync(query, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> AbortAsync(string sagaId, string reason, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(sagaId);
        ThrowIfInvalidReason(reason);
        if (!await Store.RequestAbortAsync(sagaId, reason, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        // An instance running it sees the request at its next save; otherwise this instance compensates it now.
        EnsureStarted();
        if (await Store.TryAcquireAsync(sagaId, _options.Lease, includeParked: true, cancellationToken).ConfigureAwait(false) is { } lease)
        {
            await TakeAsync(lease).ConfigureAwait(false);
        }

        return true;
    }

    public async Task<bool> ResumeAsync(string sagaId, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(sagaId);
        EnsureStarted();
        var lease = await Store.TryAcquireAsync(sagaId, _options.Lease, includeParked: true, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            return false;
        }

        if (!await TakeAsync(lease).ConfigureAwait(false))
        {
            var parked = await Store.GetAsync(sagaId, cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException($"Saga '{sagaId}' cannot run on this instance and stays parked: {parked?.Error}");
        }

        return true;
    }

    public async Task<bool> SkipCompensationAsync(string sagaId, string reason, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(sagaId);
        ThrowIfInvalidReason(reason);
        if ((await Store.GetAsync(sagaId, cancellationToken).ConfigureAwait(false))?.Status != SagaStatus.CompensationFailed)
        {
            return false;
        }

        EnsureStarted();
        var lease = await Store.TryAcquireAsync(sagaId, _options.Lease, includeParked: true, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            return false;
        }

        var saga = lease.Saga;
        var skipped = saga.Status == SagaStatus.CompensationFailed;
        if (skipped)
        {
            var journal = saga.Journal
                .Select(step => step.Status == SagaStepStatus.CompensationFailed
                    ? step with { Status = SagaStepStatus.CompensationSkipped, LastError = $"Skipped: {reason}" }
                    : step)
                .ToArray();
            lease = lease with { Saga = saga with { Status = SagaStatus.Compensating, Journal = journal } };
        }

        await TakeAsync(lease).ConfigureAwait(false);
        return skipped;
    }

    /// <summary>The fenced save of a transition, retried through a short outage; the lease is renewed while the saga runs.</summary>
    public async Task<SagaSaveResult> SaveAsync(SagaSnapshot saga, long token)
    {
        var lease = saga.IsRunning ? _options.Lease : TimeSpan.Zero;
        return await _savePipeline.ExecuteAsync(
            static (state, cancellationToken) => state.Store.SaveAsync(state.Saga, state.Token, state.Lease, cancellationToken),
            (Store, Saga: saga, Token: token, Lease: lease),
            CancellationToken.None).ConfigureAwait(false);
    }

    protected override IEnumerable<Func<CancellationToken, Task>> Loops()
    {
        yield return RenewLeasesAsync;
        yield return WaitForRunningOnStopAsync;
        yield return ReportCountsAsync;
        if (_options.RecoveryEnabled)
        {
            yield return RecoverAsync;
        }
    }

    protected override void OnStopping() => SagaTelemetry.ForgetCounts(this);

    /// <summary>Runs an acquired saga here, or parks it with the reason this instance cannot run it; whether it runs.</summary>
    private async Task<bool> TakeAsync(SagaLease lease)
    {
        var saga = lease.Saga;
        var reason = _registry.CannotRun(saga, out var plan);
        object? state = null;
        if (reason is null)
        {
            try
            {
                state = plan!.ReadState(saga.State, JsonOptions);
            }
            catch (JsonException exception)
            {
                reason = $"The saga's state cannot be read by {plan!.Describe()}: {exception.Message}";
            }
        }

        if (reason is not null)
        {
            SagaLog.Parked(Logger, saga.SagaId, reason);
            SagaTelemetry.CountEnded(Store.BackendName, saga.SagaName, SagaStatus.Parked);
            await SaveAsync(saga with { Status = SagaStatus.Parked, Error = reason }, lease.Token).ConfigureAwait(false);
            return false;
        }

        if (saga.Status is SagaStatus.Parked or SagaStatus.CompensationFailed)
        {
            var direction = SagaProgress.ResumeDirection(saga);
            saga = saga with { Status = direction, Error = direction == SagaStatus.Running ? null : saga.Error };
        }

        SagaLog.Resumed(Logger, saga.SagaId, saga.SagaName, saga.CurrentStep);
        Launch(plan!, lease with { Saga = saga }, state!, runInline: false);
        return true;
    }

    private void Launch(SagaPlan plan, SagaLease lease, object state, bool runInline)
    {
        var execution = new SagaExecution(this, plan, lease, state);
        var sagaId = execution.SagaId;

        // An execution still registered here for this saga lost its lease (this instance took it over again): it stops.
        _running.AddOrUpdate(sagaId, execution, (_, previous) =>
        {
            previous.LoseLease();
            return execution;
        });
        _ = runInline ? RunAsync() : Task.Run(RunAsync);

        async Task RunAsync()
        {
            await execution.RunAsync().ConfigureAwait(false);
            _running.TryRemove(new KeyValuePair<string, SagaExecution>(sagaId, execution));
        }
    }

    private async Task RenewLeasesAsync(CancellationToken stoppingToken)
    {
        while (await DelayAsync(_options.LeaseRenewalInterval, stoppingToken).ConfigureAwait(false))
        {
            var held = _running.Values.Select(execution => (execution.SagaId, execution.Token)).ToList();
            if (held.Count == 0)
            {
                continue;
            }

            try
            {
                var lost = await Store.RenewAsync(held, _options.Lease, stoppingToken).ConfigureAwait(false);
                var tokens = held.ToDictionary(lease => lease.SagaId, lease => lease.Token, StringComparer.Ordinal);
                foreach (var sagaId in lost)
                {
                    if (_running.TryGetValue(sagaId, out var execution) && execution.Token == tokens[sagaId])
                    {
                        execution.LoseLease();
                    }
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                SagaLog.BackgroundFailed(Logger, "lease renewal", _options.LeaseRenewalInterval, exception);
            }
        }
    }

    private async Task RecoverAsync(CancellationToken stoppingToken)
    {
        var interval = _options.RecoveryInterval;
        do
        {
            try
            {
                IReadOnlyList<SagaLease> leases;
                do
                {
                    leases = await Store.ClaimExpiredAsync(_options.RecoveryBatchSize, _options.Lease, stoppingToken).ConfigureAwait(false);
                    foreach (var lease in leases)
                    {
                        await TakeAsync(lease).ConfigureAwait(false);
                    }
                }
                while (leases.Count == _options.RecoveryBatchSize && !stoppingToken.IsCancellationRequested);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                SagaLog.BackgroundFailed(Logger, "recovery", interval, exception);
            }
        }
        while (await DelayAsync(interval, stoppingToken).ConfigureAwait(false));
    }

    private async Task ReportCountsAsync(CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                SagaTelemetry.ReportCounts(this, Store.BackendName, await Store.CountByStatusAsync(stoppingToken).ConfigureAwait(false));
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                SagaLog.BackgroundFailed(Logger, "metrics", _options.MetricsInterval, exception);
            }
        }
        while (await DelayAsync(_options.MetricsInterval, stoppingToken).ConfigureAwait(false));
    }

    // Stopping cancels the running sagas, which hand their leases over; the host's stop waits for that.
    private async Task WaitForRunningOnStopAsync(CancellationToken stoppingToken)
    {
        await DelayAsync(Timeout.InfiniteTimeSpan, stoppingToken).ConfigureAwait(false);
        await Task.WhenAll(_running.Values.Select(execution => execution.Outcome)).ConfigureAwait(false);
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        await Task.Delay(delay, TimeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return !stoppingToken.IsCancellationRequested;
    }

    private (string Json, object State) CopyInitialState(SagaPlan plan, object initialState)
    {
        // The saga runs on its own copy, read back from the JSON it is stored as: a state that cannot make the round
        // trip fails here, at the start, not on another instance when it resumes.
        try
        {
            var json = plan.WriteState(initialState, JsonOptions);
            return (json, plan.ReadState(json, JsonOptions));
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new ArgumentException($"The initial state of saga {plan.Describe()} cannot be serialized and read back as JSON: {exception.Message}", "initialState", exception);
        }
    }

    private static void ThrowIfInvalidReason(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (reason.Length > 1000)
        {
            throw new ArgumentException("The reason must be at most 1,000 characters long.", nameof(reason));
        }
    }
}
