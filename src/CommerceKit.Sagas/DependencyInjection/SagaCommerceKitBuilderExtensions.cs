using CommerceKit;
using CommerceKit.Sagas;
using CommerceKit.Sagas.Engine;
using CommerceKit.Sagas.InMemory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the CommerceKit saga runner.</summary>
public static class SagaCommerceKitBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="ISagaRunner"/> with <see cref="SagaOptions"/> (validated at start-up), and its background
    /// work (lease renewal, recovery of sagas whose instance died), a hosted service that also starts on first use.
    /// Sagas live in this process's memory unless <paramref name="configure"/> says otherwise, for example
    /// <c>sagas =&gt; sagas.AddSaga&lt;PlaceOrderSaga&gt;().UsePostgreSql()</c>. Calling it again only adds configuration.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Registers saga definitions, chooses the backend, configures the options.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddSagas(this ICommerceKitBuilder builder, Action<SagasBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SagaOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SagaOptions>, SagaOptionsValidator>());
        services.TryAddSingleton<SagaStore, InMemorySagaStore>();
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(SagaEngine)))
        {
            services.AddSingleton<SagaRegistry>();
            services.AddSingleton<SagaEngine>();
            services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<SagaEngine>());
            services.AddSingleton<ISagaRunner>(provider =>
            {
                // Without a host, resolving the runner starts recovery: this instance then resumes sagas of dead ones.
                var engine = provider.GetRequiredService<SagaEngine>();
                engine.EnsureStarted();
                return engine;
            });
        }

        configure?.Invoke(new SagasBuilder(services));
        return builder;
    }
}
