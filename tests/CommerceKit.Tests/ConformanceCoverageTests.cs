using CommerceKit.ConformanceTests.Coverage;
using CommerceKit.ConformanceTests.Fixtures;

namespace CommerceKit.Tests;

public sealed class ConformanceCoverageTests
{
    [Fact]
    public void Every_conformance_suite_that_requires_the_in_memory_backend_is_subclassed_here() =>
        Assert.Empty(ConformanceCoverage.MissingSuites(typeof(ConformanceCoverageTests).Assembly, ConformanceBackend.InMemory));

    [Fact]
    public void The_check_reports_a_suite_a_backend_did_not_subclass_and_only_that_one()
    {
        var assembly = typeof(ConformanceCoverageTests).Assembly;

        var missingForRedis = ConformanceCoverage.MissingSuites(assembly, assembly, ConformanceBackend.Redis);
        var missingForPostgreSql = ConformanceCoverage.MissingSuites(assembly, assembly, ConformanceBackend.PostgreSql);

        Assert.Equal([$"Sample: {typeof(SampleSuite).FullName} has no Redis subclass"], missingForRedis);
        Assert.Empty(missingForPostgreSql);
    }

    [Theory]
    [InlineData(typeof(SampleOnPostgreSql), ConformanceBackend.PostgreSql)]
    [InlineData(typeof(SampleOnCluster), ConformanceBackend.RedisCluster)]
    [InlineData(typeof(ConformanceCoverageTests), ConformanceBackend.InMemory)]
    public void A_test_class_backend_is_told_by_its_fixture(Type testClass, ConformanceBackend expected) =>
        Assert.Equal(expected, ConformanceCoverage.BackendOf(testClass));

    // A sample suite that PostgreSQL and the cluster implement below and Redis does not.
    [ConformanceSuite("Sample", ConformanceBackend.Redis, ConformanceBackend.RedisCluster, ConformanceBackend.PostgreSql)]
    public abstract class SampleSuite;

    public sealed class SampleOnPostgreSql : SampleSuite, IClassFixture<PostgreSqlServerFixture>;

    public sealed class SampleOnCluster : SampleSuite, IClassFixture<RedisClusterFixture>;
}
