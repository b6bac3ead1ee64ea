using Microsoft.Extensions.FileProviders;

namespace CommerceKit.ReferenceShop.Hosting;

/// <summary>
/// The storefront (<c>/</c>) and the admin dashboard (<c>/admin</c>): plain HTML, CSS and JavaScript from
/// <c>wwwroot/</c>, embedded in the assembly so they are served wherever the shop runs from.
/// </summary>
internal static class ShopPages
{
    private static readonly EmbeddedFileProvider Pages = new(typeof(ShopPages).Assembly, "CommerceKit.ReferenceShop.wwwroot");

    public static WebApplication UseShopPages(this WebApplication app)
    {
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = Pages });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = Pages });

        // The page itself holds no data: it asks for the admin key and sends it with every /admin/stats call.
        app.MapGet("/admin", () => Results.Stream(Pages.GetFileInfo("admin.html").CreateReadStream(), "text/html; charset=utf-8"));
        return app;
    }
}
