using CommerceKit.ReferenceShop.Demo;
using CommerceKit.ReferenceShop.Hosting;

// `dotnet run -- demo flash-sale …` runs the flash-sale demo; anything else runs the shop.
if (args is ["demo", .. var demo])
{
    return await FlashSaleDemo.RunAsync(demo);
}

await ShopApp.Create(args).RunAsync();
return 0;

/// <summary>The shop's entry point, visible to its end-to-end tests.</summary>
public partial class Program;
