using System.ComponentModel.DataAnnotations;

namespace CommerceKit;

/// <summary>Options shared by every CommerceKit feature and backend.</summary>
public sealed class CommerceKitOptions
{
    /// <summary>
    /// The prefix of every key CommerceKit writes to a shared store such as Redis, so that several
    /// applications (or environments) can share one server without seeing each other's data.
    /// Letters, digits, '.', '_' and '-', starting with a letter or digit, at most 32 characters.
    /// </summary>
    /// <value>The default value is <c>"ck"</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")]
    public string KeyPrefix { get; set; } = "ck";
}
