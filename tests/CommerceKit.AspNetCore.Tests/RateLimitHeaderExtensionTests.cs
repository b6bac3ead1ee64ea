using System.Threading.RateLimiting;
using CommerceKit.AspNetCore.RateLimiting;
using CommerceKit.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace CommerceKit.AspNetCore.Tests;

/// <summary><c>AddRateLimitHeaders</c>: a limit an endpoint applies itself, reported in the response's headers.</summary>
public sealed class RateLimitHeaderExtensionTests
{
    [Theory]
    [InlineData("")]
    [InlineData("with \"quote\"")]
    [InlineData("back\\slash")]
    [InlineData("new\nline")]
    [InlineData("näme")]
    public void A_policy_name_that_cannot_go_into_a_header_is_an_ArgumentException(string name)
    {
        using var limiter = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions { PermitLimit = 1, Window = TimeSpan.FromMinutes(1) });
        using var lease = limiter.AttemptAcquire();

        var thrown = Assert.ThrowsAny<ArgumentException>(() =>
            new DefaultHttpContext().AddRateLimitHeaders(name, new FixedWindowPolicy(1, TimeSpan.FromMinutes(1)), lease));

        Assert.Equal("policyName", thrown.ParamName);
    }
}
