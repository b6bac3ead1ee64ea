using Microsoft.Extensions.Options;

namespace CommerceKit.PostgreSql;

[OptionsValidator]
internal sealed partial class PostgreSqlOptionsValidator : IValidateOptions<PostgreSqlOptions>;
