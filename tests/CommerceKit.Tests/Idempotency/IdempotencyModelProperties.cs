using CommerceKit.Idempotency;
using CommerceKit.Idempotency.InMemory;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;

namespace CommerceKit.Tests.Idempotency;

/// <summary>
/// The store against a model, for any interleaving of three clients on one key: at most one live claim, a stored
/// response replayed until its retention ends, completion and release only by the live claim, fingerprints bound to
/// the key while its record lives; and the storage format read back exactly.
/// </summary>
public sealed class IdempotencyModelProperties
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Retention = TimeSpan.FromSeconds(2);
    private static readonly IdempotencyKey Key = new("scope", "key");

    private static readonly Arbitrary<Step[]> Steps =
        (from kind in Gen.Elements(StepKind.Claim, StepKind.Complete, StepKind.Release, StepKind.Wait)
         from client in Gen.Choose(0, 2)
         from fingerprint in Gen.Elements("a", "b")
         from milliseconds in Gen.OneOf(Gen.Choose(0, 1500), Gen.Elements(500, 1000, 2000)) // exact lease and retention ends too
         select new Step(kind, client, fingerprint, milliseconds))
        .ArrayOf()
        .ToArbitrary();

    private static readonly Arbitrary<(int Status, (string, string)[] Headers, byte[] Body)> Responses =
        (from status in Gen.Choose(100, 599)
         from headers in (from name in ArbMap.Default.GeneratorFor<NonEmptyString>()
                          from value in ArbMap.Default.GeneratorFor<string>()
                          select (name.Get, value ?? "")).ArrayOf()
         from body in ArbMap.Default.GeneratorFor<byte[]>()
         select (status, headers, body ?? []))
        .ToArbitrary();

    private enum StepKind
    {
        Claim,
        Complete,
        Release,
        Wait,
    }

    [Property(MaxTest = 300)]
    public Property The_in_memory_store_behaves_like_the_model_for_any_interleaving() =>
        Prop.ForAll(Steps, async steps => await RunAsync(steps) is null).Label("first step that differs from the model");

    [Property(MaxTest = 300)]
    public Property A_stored_response_reads_back_exactly() =>
        Prop.ForAll(Responses, response =>
        {
            var headers = response.Headers.Select(h => new KeyValuePair<string, string>(Valid(h.Item1), Valid(h.Item2))).ToArray();
            var read = StoredResponse.FromBytes(new StoredResponse(response.Status, response.Body, headers).ToBytes());
            return read.StatusCode == response.Status && read.Headers.SequenceEqual(headers) && read.Body.Span.SequenceEqual(response.Body);
        });

    // Unpaired surrogates cannot survive UTF-8 (HTTP headers never carry them): replace them as the encoder would.
    private static string Valid(string value) => System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(value));

    private static async Task<string?> RunAsync(Step[] steps)
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryIdempotencyStore(time);
        var tokens = new long[3];
        var model = new ModelRecord(null, 0, false, DateTimeOffset.MinValue);
        var lastToken = 0L;

        for (var i = 0; i < steps.Length; i++)
        {
            var (kind, client, fingerprint, milliseconds) = steps[i];
            var now = time.GetUtcNow();
            var live = model.ExpiresAt > now ? model : null;
            switch (kind)
            {
                case StepKind.Claim:
                    var claim = await store.TryClaimAsync(Key, fingerprint, Lease, default);
                    var expected = live is null ? IdempotencyClaimStatus.Claimed
                        : live.Fingerprint != fingerprint ? IdempotencyClaimStatus.FingerprintMismatch
                        : live.Completed ? IdempotencyClaimStatus.Completed
                        : IdempotencyClaimStatus.InProgress;
                    if (claim.Status != expected)
                    {
                        return $"step {i}: claim answered {claim.Status}, the model {expected}";
                    }

                    if (expected == IdempotencyClaimStatus.InProgress && claim.RetryAfter != live!.ExpiresAt - now)
                    {
                        return $"step {i}: retry-after {claim.RetryAfter} differs from the lease left";
                    }

                    if (expected == IdempotencyClaimStatus.Claimed)
                    {
                        if (claim.LeaseToken <= lastToken)
                        {
                            return $"step {i}: token {claim.LeaseToken} not above {lastToken}";
                        }

                        (lastToken, tokens[client]) = (claim.LeaseToken, claim.LeaseToken);
                        model = new ModelRecord(fingerprint, claim.LeaseToken, false, now + Lease);
                    }

                    break;

                case StepKind.Complete:
                    var completes = tokens[client] > 0 && live is { Completed: false } && live.Token == tokens[client];
                    if (tokens[client] > 0 && await store.CompleteAsync(Key, tokens[client], new StoredResponse(200, Array.Empty<byte>()), Retention, default) != completes)
                    {
                        return $"step {i}: completion answered differently from the model ({completes})";
                    }

                    if (completes)
                    {
                        model = model with { Completed = true, ExpiresAt = now + Retention };
                    }

                    break;

                case StepKind.Release:
                    if (tokens[client] > 0)
                    {
                        await store.ReleaseAsync(Key, tokens[client], default);
                        if (live is { Completed: false } && live.Token == tokens[client])
                        {
                            model = model with { ExpiresAt = DateTimeOffset.MinValue };
                        }
                    }

                    break;

                default:
                    time.Advance(TimeSpan.FromMilliseconds(milliseconds));
                    break;
            }
        }

        return null;
    }

    private sealed record ModelRecord(string? Fingerprint, long Token, bool Completed, DateTimeOffset ExpiresAt);

    private readonly record struct Step(StepKind Kind, int Client, string Fingerprint, int Milliseconds);
}
