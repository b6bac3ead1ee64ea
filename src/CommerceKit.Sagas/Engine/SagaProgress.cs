namespace CommerceKit.Sagas.Engine;

/// <summary>What a saga does next, read from its journal: the rules of Garcia-Molina and Salem's sagas.</summary>
internal static class SagaProgress
{
    /// <summary>The first step not yet done; -1 when all are.</summary>
    public static int NextToRun(IReadOnlyList<SagaStepRecord> journal)
    {
        for (var step = 0; step < journal.Count; step++)
        {
            if (journal[step].Status != SagaStepStatus.Succeeded)
            {
                return step;
            }
        }

        return -1;
    }

    /// <summary>
    /// The last step that may have had an effect and is not undone yet (done, given up on, or whose compensation had
    /// failed); -1 when none is left. Steps without a compensation have nothing to undo.
    /// </summary>
    public static int NextToCompensate(IReadOnlyList<SagaStepRecord> journal, SagaPlan plan)
    {
        for (var step = journal.Count - 1; step >= 0; step--)
        {
            if (journal[step].Status is SagaStepStatus.Succeeded or SagaStepStatus.RetriesExhausted or SagaStepStatus.CompensationFailed
                && plan.HasCompensation(step))
            {
                return step;
            }
        }

        return -1;
    }

    /// <summary>Sets the status and current step that <paramref name="saga"/>'s journal leads to.</summary>
    public static SagaSnapshot Advance(SagaSnapshot saga, SagaPlan plan)
    {
        switch (saga.Status)
        {
            case SagaStatus.Running:
                var next = NextToRun(saga.Journal);
                return next < 0
                    ? saga with { Status = SagaStatus.Completed, CurrentStep = null }
                    : saga with { CurrentStep = saga.Journal[next].Name };
            case SagaStatus.Compensating:
                var undo = NextToCompensate(saga.Journal, plan);
                return undo < 0
                    ? saga with { Status = SagaStatus.Compensated, CurrentStep = null }
                    : saga with { CurrentStep = saga.Journal[undo].Name };
            default:
                return saga;
        }
    }

    /// <summary>Which way a parked saga resumes: it compensates once anything failed or it was aborted.</summary>
    public static SagaStatus ResumeDirection(SagaSnapshot saga) =>
        saga.FailedStep is not null || saga.AbortReason is not null || saga.Status == SagaStatus.CompensationFailed
        || saga.Journal.Any(step => step.Status is not (SagaStepStatus.Pending or SagaStepStatus.Succeeded))
            ? SagaStatus.Compensating
            : SagaStatus.Running;

    public static string IdempotencyKey(string sagaId, string step, bool compensate) =>
        compensate ? $"{sagaId}:{step}:compensate" : $"{sagaId}:{step}";

    public static SagaStepRecord[] NewJournal(SagaPlan plan) =>
        [.. plan.StepNames.Select(name => new SagaStepRecord(name, SagaStepStatus.Pending))];
}
