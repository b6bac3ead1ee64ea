using System.Reflection;
using CommerceKit.ConformanceTests.Fixtures;

namespace CommerceKit.ConformanceTests.Coverage;

/// <summary>Finds conformance suites a backend's test project forgot to subclass.</summary>
public static class ConformanceCoverage
{
    /// <summary>The suites of this library that require <paramref name="backend"/> and have no concrete subclass for it in <paramref name="tests"/>.</summary>
    public static IReadOnlyList<string> MissingSuites(Assembly tests, ConformanceBackend backend) =>
        MissingSuites(typeof(ConformanceCoverage).Assembly, tests, backend);

    /// <summary>The suites in <paramref name="suites"/> that require <paramref name="backend"/> and have no concrete subclass for it in <paramref name="tests"/>.</summary>
    public static IReadOnlyList<string> MissingSuites(Assembly suites, Assembly tests, ConformanceBackend backend)
    {
        ArgumentNullException.ThrowIfNull(suites);
        ArgumentNullException.ThrowIfNull(tests);

        var implemented = tests.GetTypes()
            .Where(type => type is { IsAbstract: false, IsClass: true } && BackendOf(type) == backend)
            .SelectMany(BaseTypes)
            .ToHashSet();

        return suites.GetTypes()
            .Where(type => type.IsAbstract && type.GetCustomAttribute<ConformanceSuiteAttribute>() is { } suite && suite.Backends.Contains(backend))
            .Where(suite => !implemented.Contains(suite))
            .Select(suite => $"{suite.GetCustomAttribute<ConformanceSuiteAttribute>()!.Feature}: {suite.FullName} has no {backend} subclass")
            .ToList();
    }

    /// <summary>The backend a test class runs on, told by the server fixture it takes.</summary>
    public static ConformanceBackend BackendOf(Type testClass)
    {
        ArgumentNullException.ThrowIfNull(testClass);
        var fixtures = testClass.GetInterfaces()
            .Where(type => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IClassFixture<>))
            .Select(type => type.GetGenericArguments()[0])
            .ToList();

        if (fixtures.Contains(typeof(RedisClusterFixture)))
        {
            return ConformanceBackend.RedisCluster;
        }

        if (fixtures.Contains(typeof(RedisServerFixture)))
        {
            return ConformanceBackend.Redis;
        }

        return fixtures.Contains(typeof(PostgreSqlServerFixture)) ? ConformanceBackend.PostgreSql : ConformanceBackend.InMemory;
    }

    private static IEnumerable<Type> BaseTypes(Type type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            yield return current.IsGenericType ? current.GetGenericTypeDefinition() : current;
        }
    }
}
