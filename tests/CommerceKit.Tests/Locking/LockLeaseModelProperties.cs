using CommerceKit.Locking;
using CommerceKit.Locking.InMemory;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;

namespace CommerceKit.Tests.Locking;

/// <summary>
/// The lease store against a model: one holder at a time, leases that end at their expiry unless renewed, release
/// and renewal only by the current owner, and fencing tokens that only grow, for any interleaving of three clients.
/// </summary>
public sealed class LockLeaseModelProperties
{
    private static readonly TimeSpan Expiry = TimeSpan.FromSeconds(1);

    private static readonly Arbitrary<Step[]> Steps =
        (from kind in Gen.Elements(StepKind.Acquire, StepKind.Renew, StepKind.Release, StepKind.Wait)
         from client in Gen.Choose(0, 2)
         from milliseconds in Gen.Choose(0, 1500)
         select new Step(kind, client, milliseconds))
        .ArrayOf()
        .ToArbitrary();

    private enum StepKind
    {
        Acquire,
        Renew,
        Release,
        Wait,
    }

    [Property(MaxTest = 300)]
    public Property The_in_memory_store_behaves_like_the_model_for_any_interleaving() =>
        Prop.ForAll(Steps, async steps => await RunAsync(steps) is null).Label("first step that differs from the model");

    private static async Task<string?> RunAsync(Step[] steps)
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryLockLeaseStore(time);
        var owners = new string?[3];
        string? holder = null;
        var expiresAt = DateTimeOffset.MinValue;
        var lastToken = 0L;

        for (var i = 0; i < steps.Length; i++)
        {
            var (kind, client, milliseconds) = steps[i];
            var now = time.GetUtcNow();
            switch (kind)
            {
                case StepKind.Acquire:
                    var owner = $"client-{client}-step-{i}";
                    var attempt = await store.TryAcquireAsync("lock", owner, Expiry, default);
                    if (holder is not null && expiresAt > now)
                    {
                        if (attempt.IsAcquired || attempt.HolderLeaseRemaining != expiresAt - now)
                        {
                            return $"step {i}: granted or misreported a lease held until {expiresAt}";
                        }

                        break;
                    }

                    if (!attempt.IsAcquired || attempt.FencingToken <= lastToken)
                    {
                        return $"step {i}: a free lease was refused or got a token not above {lastToken}";
                    }

                    (holder, expiresAt, lastToken, owners[client]) = (owner, now + Expiry, attempt.FencingToken, owner);
                    break;

                case StepKind.Renew:
                    var renewable = owners[client] is { } mine && mine == holder && expiresAt > now;
                    if (await store.RenewAsync("lock", owners[client] ?? "nobody", Expiry, default) != renewable)
                    {
                        return $"step {i}: renewal answered differently from the model ({renewable})";
                    }

                    if (renewable)
                    {
                        expiresAt = now + Expiry;
                    }

                    break;

                case StepKind.Release:
                    var releasable = owners[client] is { } own && own == holder;
                    if (await store.ReleaseAsync("lock", owners[client] ?? "nobody", default) != releasable)
                    {
                        return $"step {i}: release answered differently from the model ({releasable})";
                    }

                    if (releasable)
                    {
                        holder = null;
                    }

                    break;

                default:
                    time.Advance(TimeSpan.FromMilliseconds(milliseconds));
                    break;
            }
        }

        return null;
    }

    private readonly record struct Step(StepKind Kind, int Client, int Milliseconds);
}
