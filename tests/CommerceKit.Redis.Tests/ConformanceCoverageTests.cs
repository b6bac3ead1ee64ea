using CommerceKit.ConformanceTests.Coverage;

namespace CommerceKit.Redis.Tests;

public sealed class ConformanceCoverageTests
{
    [Theory]
    [InlineData(ConformanceBackend.Redis)]
    [InlineData(ConformanceBackend.RedisCluster)]
    public void Every_conformance_suite_that_requires_this_backend_is_subclassed_here(ConformanceBackend backend) =>
        Assert.Empty(ConformanceCoverage.MissingSuites(typeof(ConformanceCoverageTests).Assembly, backend));
}
