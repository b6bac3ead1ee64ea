using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using CommerceKit.ReferenceShop.Catalog;
using Spectre.Console;

namespace CommerceKit.ReferenceShop.Demo;

/// <summary>
/// <c>dotnet run --project samples/CommerceKit.ReferenceShop -- demo flash-sale …</c>: starts the shop, sells
/// <c>FLASH-001</c> to many buyers at once over its HTTP API with a live progress bar, and reports what happened,
/// counted from outside the shop. Exits 1 when anything that must be 0 (oversold units, duplicate charges, units left
/// reserved) is not, 2 on bad arguments.
/// </summary>
internal static class FlashSaleDemo
{
    private const string WarmupSku = "GIFT-CARD-25";
    private static readonly TimeSpan BuyerDeadline = TimeSpan.FromMinutes(3);

    public static async Task<int> RunAsync(string[] args)
    {
        var (options, error) = FlashSaleOptions.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(FlashSaleOptions.Usage);
            return 2;
        }

        var servers = Hosting.ShopServers.From(new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(options.ShopArgs).Build());
        if (options.Instances > 1 && !servers.IsDistributed)
        {
            Console.Error.WriteLine("--instances above 1 needs ConnectionStrings__Redis and ConnectionStrings__Postgres: instances share state through them.");
            return 2;
        }

        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler cancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += cancel;
        try
        {
            return await RunSaleAsync(options, servers, stop.Token);
        }
        finally
        {
            Console.CancelKeyPress -= cancel;
        }
    }

    private static async Task<int> RunSaleAsync(FlashSaleOptions options, Hosting.ShopServers servers, CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLine($"Starting {options.Instances} shop instance(s), {(servers.IsDistributed ? "on Redis and PostgreSQL" : "embedded (in memory)")}…");
        await using var floor = options.Floor && servers.IsDistributed ? new ServerFloor(servers.Postgres!, servers.Redis!, options.Concurrency) : null;
        FlashSaleReport report;
        ServerWork? work;
        await using (var shops = await DemoShops.StartAsync(options.ShopArgs, options.Instances, cancellationToken))
        {
            (report, work) = await SellAsync(shops, options, floor, cancellationToken);
        }

        // The floor runs once the shops are gone: the same servers, all their connections free for it.
        if (floor is not null && work is not null)
        {
            report = report with { Floor = await floor.RunAsync(options.Buyers, options.Concurrency, work, cancellationToken) };
        }

        Print(report);
        if (options.ReportPath is { } path)
        {
            await File.WriteAllTextAsync(path, report.ToJson(), cancellationToken);
            AnsiConsole.MarkupLine($"Report written to [bold]{Markup.Escape(path)}[/].");
        }

        return report.Passed ? 0 : 1;
    }

    private static async Task<(FlashSaleReport Report, ServerWork? WorkPerOrder)> SellAsync(
        DemoShops shops, FlashSaleOptions options, ServerFloor? floor, CancellationToken cancellationToken)
    {
        var sku = CatalogSeed.FlashSaleSku;
        var run = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..8];
        if (options.Warmup > 0)
        {
            // Compiled code, pooled connections and warm caches: the measured sale starts from a running shop.
            await PutStockAsync(shops, WarmupSku, options.Warmup, cancellationToken);
            await Parallel.ForEachAsync(
                Enumerable.Range(0, options.Warmup),
                new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
                async (i, token) => await Buyer.BuyAsync(
                    shops.Shops, i, $"warmup-{run}-{i}", $"warmup{i}@{run}.warmup.test", WarmupSku, "tok_ok", null, BuyerDeadline, token));
            await ResetSpanTimingsAsync(shops, cancellationToken);
        }

        await PutStockAsync(shops, sku, options.Stock, cancellationToken);
        var workBefore = floor is null ? null : await floor.CountAsync(cancellationToken);
        var purchases = new Purchase[options.Buyers];
        var clock = Stopwatch.StartNew();
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"{options.Buyers} buyers, {options.Stock} units", maxValue: options.Buyers);
                var confirmed = 0;
                await Parallel.ForEachAsync(
                    Enumerable.Range(0, options.Buyers),
                    new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
                    async (i, token) =>
                    {
                        var purchase = await Buyer.BuyAsync(
                            shops.Shops, i, $"demo-{run}-{i}", $"buyer{i}@{run}.demo.test", sku, "tok_ok", null, BuyerDeadline, token);
                        purchases[i] = purchase;
                        if (purchase.IsConfirmed)
                        {
                            Interlocked.Increment(ref confirmed);
                        }

                        task.Description = $"{options.Buyers} buyers, {options.Stock} units: {Volatile.Read(ref confirmed)} confirmed";
                        task.Increment(1);
                    });
            });
        var seconds = clock.Elapsed.TotalSeconds;

        var messages = await MessagesOfRunAsync(shops, run, purchases.Count(purchase => purchase.IsConfirmed), cancellationToken);
        var workPerOrder = floor is null || workBefore is null ? null : (await floor.CountAsync(cancellationToken)).PerOrder(workBefore, options.Buyers);
        var confirmedOrders = purchases.Where(purchase => purchase.IsConfirmed).Select(purchase => purchase.OrderId!).ToHashSet(StringComparer.Ordinal);
        var charges = await ChargesOfAsync(shops, purchases, cancellationToken);
        var stock = await StockAsync(shops, sku, cancellationToken);
        var latencies = purchases.Select(purchase => purchase.Latency.TotalMilliseconds).Order().ToArray();
        var report = new FlashSaleReport
        {
            Instances = shops.Shops.Count,
            Buyers = options.Buyers,
            Stock = options.Stock,
            Concurrency = options.Concurrency,
            Confirmed = confirmedOrders.Count,
            OutOfStock = purchases.Count(purchase => purchase.FailureCode == "out_of_stock"),
            OtherOutcomes = purchases.Count(purchase => !purchase.IsConfirmed && purchase.FailureCode != "out_of_stock"),
            OversoldUnits = Math.Max(0, confirmedOrders.Count - options.Stock),
            DuplicateCharges = charges.Count(charge => charge.Kept) - charges.Where(charge => charge.Kept).Select(charge => charge.OrderId).Distinct().Count(confirmedOrders.Contains),
            ReservedAfterwards = stock.Reserved,
            EmailsSent = messages.Count(channel => channel == "email"),
            PushesSent = messages.Count(channel => channel == "push"),
            P50Milliseconds = Latencies.Percentile(latencies, 0.50),
            P95Milliseconds = Latencies.Percentile(latencies, 0.95),
            P99Milliseconds = Latencies.Percentile(latencies, 0.99),
            OrdersPerSecond = options.Buyers / seconds,
            Seconds = seconds,
            Spans = await SpansAsync(shops, options.Buyers, cancellationToken),
        };
        return (report, workPerOrder);
    }

    private static async Task ResetSpanTimingsAsync(DemoShops shops, CancellationToken cancellationToken)
    {
        foreach (var shop in shops.Shops)
        {
            using var response = await shops.AdminAsync(shop, HttpMethod.Delete, "admin/stats/span-timings", cancellationToken);
        }
    }

    private static async Task PutStockAsync(DemoShops shops, string sku, int stock, CancellationToken cancellationToken)
    {
        var product = CatalogSeed.Products.Single(product => product.Sku == sku);
        using var response = await shops.AdminAsync(
            shops.Shops[0],
            HttpMethod.Put,
            $"admin/products/{sku}",
            cancellationToken,
            JsonContent.Create(new { name = product.Name, description = product.Description, priceCents = product.PriceCents, currency = product.Currency, onHand = stock }));
    }

    // Confirmations are sent after the answer (outbox, then the dispatcher): wait for them a little.
    private static async Task<List<string>> MessagesOfRunAsync(DemoShops shops, string run, int confirmed, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var messages = (await shops.Simulator.GetFromJsonAsync<JsonElement[]>("v1/messages", cancellationToken))!
                .Where(message => message.GetProperty("to").GetString()!.Contains($"{run}.demo.test", StringComparison.Ordinal)
                    || message.GetProperty("to").GetString()!.StartsWith($"device-demo-{run}-", StringComparison.Ordinal))
                .Select(message => message.GetProperty("channel").GetString()!)
                .ToList();
            if (messages.Count >= 2 * confirmed || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                return messages;
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private sealed record LedgerCharge(string OrderId, bool Kept);

    private static async Task<List<LedgerCharge>> ChargesOfAsync(DemoShops shops, Purchase[] purchases, CancellationToken cancellationToken)
    {
        var orders = purchases.Select(purchase => purchase.OrderId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return [.. (await shops.Simulator.GetFromJsonAsync<JsonElement[]>("v1/charges", cancellationToken))!
            .Where(charge => orders.Contains(charge.GetProperty("orderId").GetString() ?? ""))
            .Select(charge => new LedgerCharge(
                charge.GetProperty("orderId").GetString()!,
                charge.GetProperty("status").GetString() == "succeeded" && !charge.GetProperty("refunded").GetBoolean()))];
    }

    private static async Task<(long OnHand, long Reserved)> StockAsync(DemoShops shops, string sku, CancellationToken cancellationToken)
    {
        using var response = await shops.AdminAsync(shops.Shops[0], HttpMethod.Get, $"admin/stock/{sku}", cancellationToken);
        var stock = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return (stock.GetProperty("onHand").GetInt64(), stock.GetProperty("reserved").GetInt64());
    }

    private static async Task<Dictionary<string, SpanShare>> SpansAsync(DemoShops shops, int buyers, CancellationToken cancellationToken)
    {
        var totals = new Dictionary<string, (long Count, double Milliseconds)>(StringComparer.Ordinal);
        foreach (var shop in shops.Shops)
        {
            using var response = await shops.AdminAsync(shop, HttpMethod.Get, "admin/stats", cancellationToken);
            var stats = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            if (stats.TryGetProperty("spanTimings", out var spans) && spans.ValueKind == JsonValueKind.Object)
            {
                foreach (var span in spans.EnumerateObject())
                {
                    var (count, milliseconds) = totals.GetValueOrDefault(span.Name);
                    totals[span.Name] = (count + span.Value.GetProperty("count").GetInt64(), milliseconds + span.Value.GetProperty("totalMilliseconds").GetDouble());
                }
            }
        }

        return totals.OrderBy(entry => entry.Key, StringComparer.Ordinal)
            .ToDictionary(entry => entry.Key, entry => new SpanShare(entry.Value.Count, Math.Round(entry.Value.Milliseconds / buyers, 3)), StringComparer.Ordinal);
    }

    private static void Print(FlashSaleReport report)
    {
        static string Must(long value) => value == 0 ? "[green]0[/]" : $"[red]{value}[/]";
        var table = new Table().AddColumn("flash sale").AddColumn(new TableColumn("").RightAligned());
        table.AddRow("instances", $"{report.Instances}");
        table.AddRow("buyers / concurrency", $"{report.Buyers} / {report.Concurrency}");
        table.AddRow("stock", $"{report.Stock}");
        table.AddRow("confirmed orders", $"{report.Confirmed}");
        table.AddRow("out-of-stock answers", $"{report.OutOfStock}");
        table.AddRow("other outcomes", $"{report.OtherOutcomes}");
        table.AddRow("oversold units (must be 0)", Must(report.OversoldUnits));
        table.AddRow("duplicate charges (must be 0)", Must(report.DuplicateCharges));
        table.AddRow("units left reserved (must be 0)", Must(report.ReservedAfterwards));
        table.AddRow("emails / pushes sent", $"{report.EmailsSent} / {report.PushesSent}");
        table.AddRow("latency p50 / p95 / p99", $"{report.P50Milliseconds:0.0} / {report.P95Milliseconds:0.0} / {report.P99Milliseconds:0.0} ms");
        table.AddRow("throughput", $"{report.OrdersPerSecond:0.0} orders/s over {report.Seconds:0.0} s");
        AnsiConsole.Write(table);
        if (report.Spans.Count > 0)
        {
            var spans = new Table().AddColumn("library span").AddColumn(new TableColumn("count").RightAligned()).AddColumn(new TableColumn("ms per buyer").RightAligned());
            foreach (var (name, share) in report.Spans)
            {
                spans.AddRow(Markup.Escape(name), $"{share.Count}", $"{share.MillisecondsPerBuyer:0.000}");
            }

            AnsiConsole.Write(spans);
        }

        if (report.Floor is { } floor)
        {
            var floorTable = new Table().AddColumn("same server work, raw (floor)").AddColumn(new TableColumn("").RightAligned());
            floorTable.AddRow("per order", $"{floor.CommitsPerOrder} PostgreSQL commits, {floor.RedisCommandsPerOrder} Redis commands");
            floorTable.AddRow("throughput", $"{floor.OrdersPerSecond:0.0} orders/s (sale: {report.OrdersPerSecond / floor.OrdersPerSecond:0.00}×)");
            floorTable.AddRow("latency p50 / p99", $"{floor.P50Milliseconds:0.0} / {floor.P99Milliseconds:0.0} ms (sale p99: {report.P99Milliseconds / floor.P99Milliseconds:0.00}×)");
            AnsiConsole.Write(floorTable);
        }

        AnsiConsole.MarkupLine(report.Passed ? "[green]Nothing oversold, nothing charged twice.[/]" : "[red]Something that must be 0 is not.[/]");
    }
}
