namespace CommerceKit.ConformanceTests.Coverage;

/// <summary>The backends a conformance suite runs on.</summary>
public enum ConformanceBackend
{
    /// <summary>The feature's embedded in-memory backend (tested in CommerceKit.Tests).</summary>
    InMemory,

    /// <summary>A standalone Redis (a subclass with <c>IClassFixture&lt;RedisServerFixture&gt;</c>).</summary>
    Redis,

    /// <summary>A Redis Cluster (a subclass with <c>IClassFixture&lt;RedisClusterFixture&gt;</c>).</summary>
    RedisCluster,

    /// <summary>PostgreSQL (a subclass with <c>IClassFixture&lt;PostgreSqlServerFixture&gt;</c>).</summary>
    PostgreSql,
}
