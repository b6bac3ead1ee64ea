using BenchmarkDotNet.Running;

// Pick benchmarks with --filter, for example: --filter '*RedisRoundTrip*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
