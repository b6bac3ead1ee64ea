using BenchmarkDotNet.Running;
using CommerceKit.Benchmarks;

// `shop-flash-sale` runs the reference shop's system benchmark; anything else goes to BenchmarkDotNet, for example
// --filter '*RedisRoundTrip*'.
if (args is [ShopFlashSaleBenchmark.Command])
{
    return await ShopFlashSaleBenchmark.RunAsync();
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
