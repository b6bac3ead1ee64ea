namespace CommerceKit.ConformanceTests.Coverage;

/// <summary>
/// Marks an abstract class as a feature's conformance suite and names the backends that must run it. Each
/// backend's test project subclasses it once per backend; <see cref="ConformanceCoverage"/> fails the build's
/// tests when one does not.
/// </summary>
/// <param name="feature">The feature, for messages (for example "Locking").</param>
/// <param name="backends">The backends that must pass the suite.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ConformanceSuiteAttribute(string feature, params ConformanceBackend[] backends) : Attribute
{
    public string Feature { get; } = feature;

    public IReadOnlyList<ConformanceBackend> Backends { get; } = backends;
}
