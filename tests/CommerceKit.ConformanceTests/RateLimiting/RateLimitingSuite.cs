using CommerceKit.ConformanceTests.Fixtures;

namespace CommerceKit.ConformanceTests.RateLimiting;

/// <summary>What every rate-limiting suite shares: a fresh backend per test, and keys no other test uses.</summary>
public abstract class RateLimitingSuite : BackendSuite<RateLimitingBackend>
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    /// <summary>A key unique to this test (PostgreSQL backends share a database across a class's tests).</summary>
    protected string Key(string name) => $"{name}-{_id}";
}
