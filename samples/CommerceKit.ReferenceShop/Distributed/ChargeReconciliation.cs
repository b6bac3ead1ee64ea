using CommerceKit.Locking;
using CommerceKit.PostgreSql.Locking;
using CommerceKit.ReferenceShop.Hosting;
using CommerceKit.ReferenceShop.Orders;
using CommerceKit.Sagas;

namespace CommerceKit.ReferenceShop.Distributed;

/// <summary>
/// A singleton job: refunds charges the gateway holds for orders that failed. A charge whose answer was lost can land
/// after its saga compensated (the refund step found nothing to refund then). Every instance runs the loop; only the
/// holder of the <c>shop-job:reconcile-charges</c> lock works, and each refund is fenced by the lock's token, so a
/// holder paused past its lease cannot act beside the next one.
/// </summary>
internal sealed class ChargeReconciliation(
    IDistributedLockProvider locks,
    PostgreSqlFencedWrites fences,
    Npgsql.NpgsqlDataSource database,
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<ChargeReconciliation> logger) : BackgroundService
{
    public const string LockName = "shop-job:reconcile-charges";

    // Charges found to belong to a confirmed order: that never changes, so each is looked up once, not every round.
    private readonly HashSet<string> _settled = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Shop:ReconciliationInterval", TimeSpan.FromMinutes(1));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken);
                await using var held = await locks.CreateLock(LockName).TryAcquireAsync(cancellationToken: stoppingToken);
                if (held is not null)
                {
                    using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, held.HandleLost);
                    await ReconcileAsync(held.FencingToken, lost.Token);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The gateway or a server is down, or the lease was lost: the next round tries again.
                ShopLog.ReconciliationFailed(logger, exception);
            }
        }
    }

    private async Task ReconcileAsync(long fencingToken, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var gateway = scope.ServiceProvider.GetRequiredService<PaymentGateway>();
        var orders = scope.ServiceProvider.GetRequiredService<IOrderBook>();
        var sagas = scope.ServiceProvider.GetRequiredService<ISagaRunner>();
        foreach (var charge in await gateway.ListChargesAsync(null, cancellationToken))
        {
            if (!charge.IsRefundable || charge.OrderId is null || _settled.Contains(charge.ChargeId))
            {
                continue;
            }

            if (await orders.FindAsync(charge.OrderId, cancellationToken) is not null)
            {
                _settled.Add(charge.ChargeId);
                continue;
            }

            // Only an order whose saga has ended without it: a running saga may be about to save the order.
            if (await sagas.GetAsync(charge.OrderId, cancellationToken) is not { Status: SagaStatus.Compensated or SagaStatus.CompensationFailed })
            {
                continue;
            }

            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await fences.EnsureCurrentAsync(transaction, LockName, fencingToken, cancellationToken);
            await gateway.RefundAsync(charge.ChargeId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            ShopLog.OrphanChargeRefunded(logger, charge.ChargeId, charge.OrderId);
        }
    }
}
