using CommerceKit.Sagas.Engine;

namespace CommerceKit.Sagas;

/// <summary>
/// A saga's definition, registered with <c>sagas.AddSaga&lt;TSaga&gt;()</c>: derive from
/// <see cref="SagaDefinition{TState}"/>.
/// </summary>
public abstract class SagaDefinition
{
    /// <summary>Creates the definition (derive from <see cref="SagaDefinition{TState}"/>).</summary>
    protected SagaDefinition()
    {
    }

    /// <summary>The saga's name, stored with each saga (a valid key); by default the class name. Keep it across versions.</summary>
    public virtual string Name => GetType().Name;

    /// <summary>
    /// The definition's version, stored with each saga: a running saga resumes only on the version it started on. Raise
    /// it whenever the steps change, and keep the old definition registered until its sagas have ended.
    /// </summary>
    /// <value>The default value is 1.</value>
    public virtual int Version => 1;

    internal abstract SagaPlan BuildPlan(SagaPipelines pipelines);
}

/// <summary>
/// A saga whose state is <typeparamref name="TState"/>: its steps are declared in <see cref="Configure"/>, run in order,
/// and on a failure the completed ones are compensated in reverse order.
/// </summary>
/// <typeparam name="TState">The state, mutable, serialized to JSON after each step.</typeparam>
/// <example>
/// <code>
/// public sealed class PlaceOrderSaga : SagaDefinition&lt;OrderState&gt;
/// {
///     protected override void Configure(ISagaBuilder&lt;OrderState&gt; saga) => saga
///         .Step("reserve-stock", ReserveAsync, ReleaseAsync)
///         .Step("charge-payment", ChargeAsync, RefundAsync)
///         .Step("confirm-stock", ConfirmAsync);
/// }
/// </code>
/// </example>
public abstract class SagaDefinition<TState> : SagaDefinition
    where TState : class
{
    /// <summary>Declares the steps, once per process.</summary>
    /// <param name="saga">The builder to declare them on.</param>
    protected abstract void Configure(ISagaBuilder<TState> saga);

    internal override SagaPlan BuildPlan(SagaPipelines pipelines)
    {
        KeyGuard.ThrowIfInvalid(Name, nameof(Name));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Version, nameof(Version));
        var steps = new SagaStepList<TState>();
        Configure(steps);
        if (steps.Count == 0)
        {
            throw new ArgumentException($"Saga '{Name}' declares no step.", nameof(Configure));
        }

        return new SagaPlan<TState>(Name, Version, GetType(), steps, pipelines);
    }
}
