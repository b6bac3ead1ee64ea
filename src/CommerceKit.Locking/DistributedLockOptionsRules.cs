using Microsoft.Extensions.Options;

namespace CommerceKit.Locking;

/// <summary>The rules between <see cref="DistributedLockOptions"/> properties that annotations cannot state.</summary>
internal sealed class DistributedLockOptionsRules : IValidateOptions<DistributedLockOptions>
{
    public ValidateOptionsResult Validate(string? name, DistributedLockOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.RenewalInterval is { } renewal && (renewal <= TimeSpan.Zero || renewal >= options.Expiry))
        {
            failures.Add($"{nameof(options.RenewalInterval)} must be positive and shorter than {nameof(options.Expiry)} ({options.Expiry}); it is {renewal}.");
        }

        if (options.MaxHoldTime is { } maxHold && maxHold <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.MaxHoldTime)} must be positive when set; it is {maxHold}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
