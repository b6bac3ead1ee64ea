using System.Threading.RateLimiting;
using CommerceKit.RateLimiting.Engine;

namespace CommerceKit.RateLimiting.InMemory;

/// <summary>
/// The one lease every permit granted by an in-memory token bucket shares, as .NET's own limiters share theirs:
/// allocating a lease per decision cost as much as the decision. Its metadata is the bucket as it is when read.
/// </summary>
internal sealed class GrantedTokenBucketLease(TokenBucketCounter counter, int limit) : RateLimitLease
{
    public override bool IsAcquired => true;

    public override IEnumerable<string> MetadataNames => DecisionLease.Names;

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = DecisionLease.Lookup(metadataName, isAcquired: true, counter.Peek(), limit, reason: null);
        return metadata is not null;
    }
}
