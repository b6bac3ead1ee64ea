using CommerceKit.ReferenceShop.Catalog;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);

// Embedded mode: every backend in memory, no servers needed. Distributed mode arrives with the features.
builder.Services.AddCommerceKit(o => o.KeyPrefix = "shop");
builder.Services.AddCommerceKitProblemDetails();
builder.Services.AddSingleton(InMemoryCatalog.Seeded());
builder.Services.AddHealthChecks();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapProductEndpoints();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });

app.Run();

/// <summary>The shop's entry point, visible to its end-to-end tests.</summary>
public partial class Program;
