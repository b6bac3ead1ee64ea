using CommerceKit.Sagas.Engine;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Sagas;

/// <summary>
/// Configures the saga runner inside <c>AddSagas(sagas =&gt; …)</c>: the saga definitions this instance runs, where
/// sagas are kept (in this process's memory unless <c>UsePostgreSql()</c> or <c>UseStore&lt;TStore&gt;()</c>), and the options.
/// </summary>
public sealed class SagasBuilder : FeatureBuilder<SagasBuilder, SagaStore, SagaOptions>
{
    internal SagasBuilder(IServiceCollection services)
        : base(services)
    {
    }

    /// <summary>
    /// Registers saga definition <typeparamref name="TSaga"/>, created once by the container (its constructor's
    /// parameters are resolved from it). Register every version whose sagas may still be running.
    /// </summary>
    /// <typeparam name="TSaga">The definition.</typeparam>
    /// <returns>This builder.</returns>
    public SagasBuilder AddSaga<TSaga>()
        where TSaga : SagaDefinition
    {
        Services.AddSingleton(new SagaRegistration(typeof(TSaga)));
        return this;
    }
}
