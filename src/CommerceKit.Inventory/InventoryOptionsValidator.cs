using Microsoft.Extensions.Options;

namespace CommerceKit.Inventory;

/// <summary>Validates the data annotations of <see cref="InventoryOptions"/> at start-up.</summary>
[OptionsValidator]
internal sealed partial class InventoryOptionsValidator : IValidateOptions<InventoryOptions>;
