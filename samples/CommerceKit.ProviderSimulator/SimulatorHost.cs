namespace CommerceKit.ProviderSimulator;

/// <summary>
/// The simulator as a process of its own: <c>dotnet run --project samples/CommerceKit.ProviderSimulator</c> listens on
/// <c>http://127.0.0.1:5090</c> unless <c>--urls</c> says otherwise. The shop hosts the same endpoints in process when
/// <c>Shop:ProvidersUrl</c> is not set.
/// </summary>
public static class SimulatorHost
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:5090");
        builder.Services.AddProviderSimulator();
        var app = builder.Build();
        app.MapProviderSimulator();
        app.Run();
    }
}
