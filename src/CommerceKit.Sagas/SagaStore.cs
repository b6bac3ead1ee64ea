namespace CommerceKit.Sagas;

/// <summary>
/// The port each saga backend implements: one record per saga (its <see cref="SagaSnapshot"/>) with a lease token
/// and a lease expiry on the backend's clock. The engine calls it with valid arguments.
/// </summary>
/// <remarks>
/// <para>What every backend guarantees (the conformance suite checks it):</para>
/// <list type="bullet">
/// <item>Every acquisition (create, acquire, claim of expired leases) gives a token above every earlier token of the
/// saga, and a save or renewal carrying an older token changes nothing: a paused former owner cannot write.</item>
/// <item>A running saga's lease runs out on the backend's clock; only then may another instance acquire it.</item>
/// <item>A save replaces status, current and failed step, error, state and journal, and records progress; it never
/// changes the abort reason, which only <see cref="RequestAbortAsync"/> sets.</item>
/// <item>An outage is <see cref="BackendUnavailableException"/>.</item>
/// </list>
/// </remarks>
public abstract class SagaStore
{
    /// <summary>Creates the store.</summary>
    /// <param name="backendName">The backend, for telemetry: <c>memory</c>, <c>postgresql</c>.</param>
    protected SagaStore(string backendName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendName);
        BackendName = backendName;
    }

    /// <summary>The backend, for telemetry.</summary>
    public string BackendName { get; }

    /// <summary>Stores a new saga, leased to the caller for <paramref name="lease"/>, unless one with its id exists.</summary>
    /// <param name="saga">The new saga (its timestamps are set by the store).</param>
    /// <param name="lease">How long the lease lasts.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>The lease; <see langword="null"/> when a saga with that id exists (it is left as it is).</returns>
    public abstract ValueTask<SagaLease?> CreateAsync(SagaSnapshot saga, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Acquires a saga that runs with an expired lease or, when <paramref name="includeParked"/>, one that is parked
    /// (<see cref="SagaStatus.Parked"/>, <see cref="SagaStatus.CompensationFailed"/>).
    /// </summary>
    /// <param name="sagaId">The saga.</param>
    /// <param name="lease">How long the new lease lasts.</param>
    /// <param name="includeParked">Whether a parked saga may be acquired.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>The lease; <see langword="null"/> when the saga does not exist, has ended, is parked (unless included) or is leased.</returns>
    public abstract ValueTask<SagaLease?> TryAcquireAsync(string sagaId, TimeSpan lease, bool includeParked, CancellationToken cancellationToken);

    /// <summary>Acquires running sagas whose lease has expired, those expired longest first.</summary>
    /// <param name="maxCount">At most this many.</param>
    /// <param name="lease">How long the new leases last.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>The leases.</returns>
    public abstract ValueTask<IReadOnlyList<SagaLease>> ClaimExpiredAsync(int maxCount, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Saves a transition if <paramref name="leaseToken"/> still holds the saga, and sets its lease: <paramref name="lease"/>
    /// from now while it runs (<see cref="TimeSpan.Zero"/> hands it over: any instance may acquire it at once), none once
    /// it has ended or is parked.
    /// </summary>
    /// <param name="saga">The saga after the transition.</param>
    /// <param name="leaseToken">The caller's lease token.</param>
    /// <param name="lease">How long the lease lasts from now, for a running saga.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>Whether it was saved, and the saga's abort reason.</returns>
    public abstract ValueTask<SagaSaveResult> SaveAsync(SagaSnapshot saga, long leaseToken, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Extends, for <paramref name="lease"/> from now, the leases still held by the tokens given.</summary>
    /// <param name="leases">The sagas and the caller's tokens.</param>
    /// <param name="lease">How long the leases last from now.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>The ids of the sagas no longer held by the token given (lost).</returns>
    public abstract ValueTask<IReadOnlyList<string>> RenewAsync(IReadOnlyList<(string SagaId, long Token)> leases, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Records an operator's request to abort a saga that has not ended (the first reason stays).</summary>
    /// <param name="sagaId">The saga.</param>
    /// <param name="reason">Why.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns><see langword="false"/> when the saga does not exist or has ended (<see cref="SagaStatus.Completed"/>,
    /// <see cref="SagaStatus.Compensated"/>): then nothing is recorded.</returns>
    public abstract ValueTask<bool> RequestAbortAsync(string sagaId, string reason, CancellationToken cancellationToken);

    /// <summary>Reads a saga.</summary>
    /// <param name="sagaId">The saga.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The saga; <see langword="null"/> when it does not exist.</returns>
    public abstract ValueTask<SagaSnapshot?> GetAsync(string sagaId, CancellationToken cancellationToken);

    /// <summary>Lists sagas matching <paramref name="query"/>, least recent progress first.</summary>
    /// <param name="query">The criteria (valid).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The sagas.</returns>
    public abstract ValueTask<IReadOnlyList<SagaSnapshot>> QueryAsync(SagaQuery query, CancellationToken cancellationToken);

    /// <summary>Counts sagas by status.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The count of each status that has sagas.</returns>
    public abstract ValueTask<IReadOnlyDictionary<SagaStatus, long>> CountByStatusAsync(CancellationToken cancellationToken);
}
