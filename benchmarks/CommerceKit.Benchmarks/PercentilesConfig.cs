using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;

namespace CommerceKit.Benchmarks;

/// <summary>Adds p50, p95 and p99 columns: with one operation per iteration, the percentiles of single operations.</summary>
internal sealed class PercentilesConfig : ManualConfig
{
    public PercentilesConfig() => AddColumn(StatisticColumn.P50, StatisticColumn.P95, new P99Column());
}
