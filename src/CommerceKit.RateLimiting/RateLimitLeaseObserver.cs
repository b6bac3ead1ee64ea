using System.Threading.RateLimiting;

namespace CommerceKit.RateLimiting;

/// <summary>
/// Shows the leases CommerceKit limiters hand out on the current async flow to the code that started it, when a
/// pipeline in between does not (ASP.NET Core's rate-limiting middleware hides the lease of a granted request, and
/// the <c>RateLimit</c> headers need it).
/// </summary>
public static class RateLimitLeaseObserver
{
    private static readonly AsyncLocal<Action<RateLimitLease>?> s_current = new();

    // Reading an AsyncLocal costs about as much as the rest of an in-memory decision; a process that never sets an
    // observer skips it.
    private static volatile bool s_everSet;

    /// <summary>Called with every lease a CommerceKit limiter returns on this async flow; <see langword="null"/> for none.</summary>
    public static Action<RateLimitLease>? Current
    {
        get => s_current.Value;
        set
        {
            if (value is not null)
            {
                s_everSet = true;
            }

            s_current.Value = value;
        }
    }

    /// <summary>Shows <paramref name="lease"/> to the observer of this flow, if any.</summary>
    internal static void Notify(RateLimitLease lease)
    {
        if (s_everSet)
        {
            s_current.Value?.Invoke(lease);
        }
    }
}
