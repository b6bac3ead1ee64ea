using Microsoft.Extensions.Options;

namespace CommerceKit.Outbox.Engine;

/// <summary>Validates the data annotations of <see cref="OutboxOptions"/> at start-up.</summary>
[OptionsValidator]
internal sealed partial class OutboxOptionsValidator : IValidateOptions<OutboxOptions>;

/// <summary>Validates the data annotations of <see cref="InboxOptions"/> at start-up.</summary>
[OptionsValidator]
internal sealed partial class InboxOptionsValidator : IValidateOptions<InboxOptions>;
