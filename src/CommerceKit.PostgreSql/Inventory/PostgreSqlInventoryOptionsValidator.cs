using Microsoft.Extensions.Options;

namespace CommerceKit.PostgreSql.Inventory;

/// <summary>Validates the data annotations of <see cref="PostgreSqlInventoryOptions"/> at start-up.</summary>
[OptionsValidator]
internal sealed partial class PostgreSqlInventoryOptionsValidator : IValidateOptions<PostgreSqlInventoryOptions>;
