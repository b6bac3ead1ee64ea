using Microsoft.Extensions.Options;

namespace CommerceKit.Locking;

/// <summary>Validates the data annotations of <see cref="DistributedLockOptions"/> at start-up.</summary>
[OptionsValidator]
internal sealed partial class DistributedLockOptionsValidator : IValidateOptions<DistributedLockOptions>;
