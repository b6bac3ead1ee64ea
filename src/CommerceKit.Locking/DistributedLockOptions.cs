using System.ComponentModel.DataAnnotations;

namespace CommerceKit.Locking;

/// <summary>Options for distributed locks, the same for every backend.</summary>
public sealed class DistributedLockOptions
{
    /// <summary>How long a lease lives without renewal: how long a crashed holder keeps others waiting.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Expiry { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a held lease is renewed. Must be shorter than <see cref="Expiry"/>.</summary>
    /// <value>The default value is <see langword="null"/>: a third of <see cref="Expiry"/>.</value>
    public TimeSpan? RenewalInterval { get; set; }

    /// <summary>
    /// How long one holder may keep a lock: afterwards renewal stops and <see cref="ILockHandle.HandleLost"/> fires,
    /// so a stuck holder cannot keep a lock forever.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: no limit.</value>
    public TimeSpan? MaxHoldTime { get; set; }

    /// <summary>
    /// How often a waiter checks the lock when no release notification arrives (one may be lost while the
    /// connection is down). Each wait is jittered by up to a quarter, so waiters do not poll in step.
    /// </summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan FallbackPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The renewal interval in effect: <see cref="RenewalInterval"/>, or a third of <see cref="Expiry"/>.</summary>
    internal TimeSpan EffectiveRenewalInterval => RenewalInterval ?? Expiry / 3;

    /// <summary>
    /// How long a lease handed straight to a queued waiter lives until that waiter renews it (at once): a waiter that
    /// crashed while queued holds the lock up no longer than this. Twice <see cref="QueuedRecheckInterval"/>, so a
    /// waiter that missed the hand-off notification still finds the lease its own on its next check.
    /// </summary>
    internal TimeSpan HandOffLease => Expiry < FallbackPollInterval * 2 ? Expiry : FallbackPollInterval * 2;

    /// <summary>
    /// How often a queued waiter checks the lock (and so renews its place in the queue, which lasts
    /// <see cref="HandOffLease"/>): at most <see cref="FallbackPollInterval"/>, and at most half the hand-off lease,
    /// so a lease handed over is still good for at least this long when the waiter hears of it.
    /// </summary>
    internal TimeSpan QueuedRecheckInterval => HandOffLease / 2;
}
