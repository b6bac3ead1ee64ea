using System.Text;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Idempotency;

namespace CommerceKit.ConformanceTests.Idempotency;

/// <summary>What every idempotency suite shares: a fresh backend per test, and keys no other test uses.</summary>
public abstract class IdempotencySuite : BackendSuite<IdempotencyBackend>
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    /// <summary>A key unique to this test (PostgreSQL backends share a database across a class's tests).</summary>
    protected IdempotencyKey Key(string key, string scope = "customer-1") => new($"{scope}-{_id}", key);

    /// <summary>A response with a body, a header and a status.</summary>
    protected static StoredResponse Response(string body, int status = 201) =>
        new(status, Encoding.UTF8.GetBytes(body), [new("Content-Type", "application/json"), new("Location", "/orders/" + body)]);
}
