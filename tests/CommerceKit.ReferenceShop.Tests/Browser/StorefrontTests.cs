using System.Text.RegularExpressions;
using CommerceKit.ReferenceShop.Tests.Cluster;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommerceKit.ReferenceShop.Tests.Browser;

/// <summary>The storefront and the admin dashboard in a real browser, against a running shop.</summary>
public sealed class StorefrontTests(StorefrontFixture shop) : IClassFixture<StorefrontFixture>
{
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = 30_000 };

    [Fact]
    public async Task A_buyer_browses_buys_FLASH_001_sees_the_order_confirmed_with_its_saga_and_the_email_listed()
    {
        var page = await shop.NewPageAsync();
        await page.GotoAsync("/");

        var flash = page.Locator("#products tbody tr[data-sku='FLASH-001']");
        await Expect(flash).ToContainTextAsync("Limited Edition Sneakers");
        var before = int.Parse(await flash.Locator(".available").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        await flash.GetByRole(AriaRole.Button, new() { Name = "Buy" }).ClickAsync();
        await page.Locator("#email").FillAsync("browser-buyer@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();

        await Expect(page.Locator("#order-status")).ToHaveTextAsync("confirmed", Patiently);
        await Expect(page.Locator("#saga-steps li")).ToHaveCountAsync(4);
        await Expect(page.Locator("#saga-steps")).ToContainTextAsync("charge-payment: Succeeded");
        await Expect(page.Locator("#notifications tbody")).ToContainTextAsync(new Regex("email\\s*order-confirmation\\s*sent\\s*mail"), new() { Timeout = 30_000 });
        await Expect(flash.Locator(".available")).ToHaveTextAsync((before - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Patiently);
    }

    [Fact]
    public async Task A_declined_card_shows_the_order_failed_with_payment_declined()
    {
        var page = await shop.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("#sku option")).Not.ToHaveCountAsync(0);

        await page.Locator("#sku").SelectOptionAsync("FLASH-001");
        await page.Locator("#token").SelectOptionAsync("tok_decline");
        await page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();

        await Expect(page.Locator("#order-status")).ToHaveTextAsync("failed", Patiently);
        await Expect(page.Locator("#order-error")).ToContainTextAsync("payment_declined");
    }

    [Fact]
    public async Task The_dashboard_counters_move_while_orders_come_in()
    {
        var page = await shop.NewPageAsync();
        await page.GotoAsync("/admin");
        await page.Locator("#admin-key").FillAsync(StorefrontFixture.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the dashboard" }).ClickAsync();
        var confirmed = page.Locator("#orders-confirmed");
        await Expect(page.Locator("#counters-section")).ToBeVisibleAsync();
        await Expect(page.Locator("#updated")).Not.ToBeEmptyAsync();
        var before = await confirmed.InnerTextAsync();

        var sale = await Buyers.CrowdAsync([shop.Shop], 5, "dashboard", "FLASH-001");

        Assert.All(sale, purchase => Assert.Equal("confirmed", purchase.Status));
        await Expect(confirmed).Not.ToHaveTextAsync(before, new() { Timeout = 10_000 });
        Assert.True(int.Parse(await confirmed.InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture) >= int.Parse(before, System.Globalization.CultureInfo.InvariantCulture) + 5);
    }

    [Fact]
    public async Task The_dashboard_refuses_a_wrong_admin_key()
    {
        var page = await shop.NewPageAsync();
        await page.GotoAsync("/admin");

        await page.Locator("#admin-key").FillAsync("not-the-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the dashboard" }).ClickAsync();

        await Expect(page.Locator("#key-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#counters-section")).ToBeHiddenAsync();
    }
}
