using System.Threading.RateLimiting;

namespace CommerceKit.RateLimiting.Engine;

/// <summary>A lease that carries its decision's metadata: retry-after, remaining, reset, limit and a reason.</summary>
internal class DecisionLease(bool isAcquired, RateLimitDecision decision, int limit, string? reason) : RateLimitLease
{
    internal static readonly string[] Names = [MetadataName.RetryAfter.Name, RateLimitMetadata.Remaining.Name, RateLimitMetadata.Reset.Name, RateLimitMetadata.Limit.Name];
    private static readonly string[] NamesWithReason = [.. Names, MetadataName.ReasonPhrase.Name];

    public override bool IsAcquired => isAcquired;

    public override IEnumerable<string> MetadataNames => reason is null ? Names : NamesWithReason;

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = Lookup(metadataName, isAcquired, decision, limit, reason);
        return metadata is not null;
    }

    /// <summary>The value of <paramref name="metadataName"/> for a lease of this decision; null when it has none.</summary>
    internal static object? Lookup(string metadataName, bool isAcquired, RateLimitDecision decision, int limit, string? reason) =>
        metadataName switch
        {
            _ when metadataName == MetadataName.RetryAfter.Name && !isAcquired => decision.RetryAfter,
            _ when metadataName == RateLimitMetadata.Remaining.Name => decision.Remaining,
            _ when metadataName == RateLimitMetadata.Reset.Name => decision.Reset,
            _ when metadataName == RateLimitMetadata.Limit.Name => limit,
            _ when metadataName == MetadataName.ReasonPhrase.Name => reason,
            _ => null,
        };
}
