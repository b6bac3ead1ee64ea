using System.Threading.RateLimiting;

namespace CommerceKit.RateLimiting;

/// <summary>The state of one key under a token bucket, sliding window or fixed window policy.</summary>
public abstract class RateLimitCounter
{
    /// <summary>
    /// Grants <paramref name="permits"/> when the policy admits them now, counting them; otherwise changes nothing.
    /// With <paramref name="permits"/> 0, answers whether one permit is available without counting it.
    /// </summary>
    /// <param name="permits">0 to the policy's limit.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>The decision.</returns>
    public abstract ValueTask<RateLimitDecision> AcquireAsync(int permits, CancellationToken cancellationToken);

    /// <summary>
    /// Decides without waiting, when the backend can (in-memory can, remote backends cannot): the synchronous
    /// <c>AttemptAcquire</c> path.
    /// </summary>
    /// <param name="permits">As for <see cref="AcquireAsync"/>.</param>
    /// <param name="decision">The decision, when one was made.</param>
    /// <returns><see langword="false"/> when only <see cref="AcquireAsync"/> can decide.</returns>
    public virtual bool TryAcquireNow(int permits, out RateLimitDecision decision)
    {
        decision = default;
        return false;
    }

    /// <summary>
    /// Grants <paramref name="permits"/> (more than 0) at once, without building a decision, when the backend can
    /// (the in-memory token bucket can; remote backends cannot). The lease may be shared by every grant and report the
    /// key's metadata as of when it is read. <see langword="null"/> when a full decision is needed: a rejection, a lost
    /// race, a backend without this path. The default is <see langword="null"/>.
    /// </summary>
    /// <param name="permits">More than 0, at most the policy's limit.</param>
    /// <returns>The granted lease, or <see langword="null"/>.</returns>
    public virtual RateLimitLease? TryGrantAtOnce(int permits) => null;

    /// <summary>
    /// The permits available now, when the counter can tell without asking the backend (for the limiter's
    /// statistics); <see langword="null"/> otherwise, which is the default.
    /// </summary>
    public virtual long? AvailablePermits => null;
}
