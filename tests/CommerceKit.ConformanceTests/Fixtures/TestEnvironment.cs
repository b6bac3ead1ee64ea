namespace CommerceKit.ConformanceTests.Fixtures;

/// <summary>Servers named by the environment, used instead of starting our own.</summary>
public static class TestEnvironment
{
    /// <summary><c>COMMERCEKIT_TEST_REDIS</c>: a StackExchange.Redis configuration string of a standalone server.</summary>
    public static string? Redis => Read("COMMERCEKIT_TEST_REDIS");

    /// <summary><c>COMMERCEKIT_TEST_REDIS_CLUSTER</c>: a configuration string naming the nodes of a Redis Cluster.</summary>
    public static string? RedisCluster => Read("COMMERCEKIT_TEST_REDIS_CLUSTER");

    /// <summary><c>COMMERCEKIT_TEST_POSTGRES</c>: a connection string of a role allowed to create databases.</summary>
    public static string? Postgres => Read("COMMERCEKIT_TEST_POSTGRES");

    /// <summary>A key prefix no other test uses, so tests sharing a server never see each other's keys.</summary>
    public static string UniqueKeyPrefix() => "t" + Guid.NewGuid().ToString("N")[..10];

    private static string? Read(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
