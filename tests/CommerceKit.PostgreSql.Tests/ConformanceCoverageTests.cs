using CommerceKit.ConformanceTests.Coverage;

namespace CommerceKit.PostgreSql.Tests;

public sealed class ConformanceCoverageTests
{
    [Fact]
    public void Every_conformance_suite_that_requires_postgresql_is_subclassed_here() =>
        Assert.Empty(ConformanceCoverage.MissingSuites(typeof(ConformanceCoverageTests).Assembly, ConformanceBackend.PostgreSql));
}
