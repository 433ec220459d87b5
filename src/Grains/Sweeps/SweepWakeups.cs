using LensSweep.Grains.Hosting;

namespace LensSweep.Grains.Sweeps;

/// <summary>
/// What wakes a sweep's pump when no request does: the durable reconcile reminder (every
/// <see cref="EngineOptions.ReconcilePeriod"/> while the study runs; it outlives the activation and its silo,
/// so a study whose coordinator died carries on) and the slot-poll timer (every
/// <see cref="EngineOptions.SlotPollPeriod"/> while the study wants more slots than the ledger gave it; this
/// activation only).
/// </summary>
internal sealed class SweepWakeups(IGrainBase grain, EngineOptions options)
{
    /// <summary>The reminder's name, as reminder tables store it.</summary>
    public const string ReconcileReminder = "reconcile";

    private IGrainTimer? slotPoll;

    /// <summary>Registers the reconcile reminder (again: registering it twice keeps one).</summary>
    public Task KeepReconcilingAsync() =>
        grain.RegisterOrUpdateReminder(ReconcileReminder, options.ReconcilePeriod, options.ReconcilePeriod);

    /// <summary>The study ended: the slot poll stops and the reconcile reminder is unregistered.</summary>
    public async Task StopAsync()
    {
        StopSlotPoll();
        if (await grain.GetReminder(ReconcileReminder) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }

    /// <summary>While <paramref name="wanted"/>, one timer calls <paramref name="poll"/> every slot-poll period,
    /// interleaving with requests; once not wanted, it stops.</summary>
    public void PollSlots(bool wanted, Action poll)
    {
        if (!wanted)
        {
            StopSlotPoll();
            return;
        }

        slotPoll ??= grain.RegisterGrainTimer(() =>
        {
            poll();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(options.SlotPollPeriod, options.SlotPollPeriod) { Interleave = true });
    }

    private void StopSlotPoll()
    {
        slotPoll?.Dispose();
        slotPoll = null;
    }
}
