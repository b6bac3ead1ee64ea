using Microsoft.Extensions.Options;

namespace CommerceKit.Sagas.Engine;

/// <summary>Validates the data annotations of <see cref="SagaOptions"/> at start-up, and that leases are renewed before they run out.</summary>
[OptionsValidator]
internal sealed partial class SagaOptionsAnnotationsValidator : IValidateOptions<SagaOptions>;

internal sealed class SagaOptionsValidator : IValidateOptions<SagaOptions>
{
    private readonly SagaOptionsAnnotationsValidator _annotations = new();

    public ValidateOptionsResult Validate(string? name, SagaOptions options)
    {
        var result = _annotations.Validate(name, options);
        return result.Failed || options.LeaseRenewalInterval < options.Lease
            ? result
            : ValidateOptionsResult.Fail(
                $"SagaOptions.LeaseRenewalInterval ({options.LeaseRenewalInterval}) must be shorter than SagaOptions.Lease ({options.Lease}), or leases run out while their sagas run.");
    }
}
