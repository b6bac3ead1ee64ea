using Microsoft.Extensions.Options;

namespace CommerceKit.Idempotency;

/// <summary>Validates the data annotations of <see cref="IdempotencyOptions"/> at start-up and per call.</summary>
[OptionsValidator]
internal sealed partial class IdempotencyOptionsValidator : IValidateOptions<IdempotencyOptions>;
