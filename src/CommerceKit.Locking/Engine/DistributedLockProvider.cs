using CommerceKit.Locking.Engine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CommerceKit.Locking;

/// <summary>
/// The lock engine over a <see cref="LockLeaseStore"/>: validates input, waits for releases without busy polling,
/// renews held leases in the background and reports lost ones. Every backend shares it, so every backend behaves
/// the same.
/// </summary>
internal sealed class DistributedLockProvider : IDistributedLockProvider
{
    /// <summary>Creates the provider.</summary>
    /// <param name="store">The backend.</param>
    /// <param name="options">The lock options.</param>
    /// <param name="timeProvider">The clock for waits and renewals.</param>
    /// <param name="loggerFactory">Logs lost leases and failed releases; optional.</param>
    public DistributedLockProvider(
        LockLeaseStore store,
        IOptions<DistributedLockOptions> options,
        TimeProvider timeProvider,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Store = store;
        Options = options.Value;
        TimeProvider = timeProvider;
        Logger = loggerFactory?.CreateLogger<DistributedLockProvider>() ?? NullLogger<DistributedLockProvider>.Instance;
    }

    internal LockLeaseStore Store { get; }

    internal DistributedLockOptions Options { get; }

    internal TimeProvider TimeProvider { get; }

    internal ILogger Logger { get; }

    internal LockWaiters Waiters { get; } = new();

    /// <inheritdoc />
    public IDistributedLock CreateLock(string name) => new DistributedLock(KeyGuard.ThrowIfInvalid(name), this);
}
