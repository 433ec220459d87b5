using LensSweep.Grains.Devices;

namespace LensSweep.Grains.Hosting;

/// <summary>How a silo takes part in LensSweep studies.</summary>
public sealed class EngineOptions
{
    /// <summary>The device slots this silo advertises, e.g. <c>cuda:0</c>, <c>cuda:1</c> or <c>cpu:0</c>
    /// (<see cref="DeviceSlotNames"/>); empty for a silo that coordinates but never trains.</summary>
    public List<string> DeviceSlots { get; set; } = [];

    /// <summary>How often a running study re-checks its trials and leases (the durable reminder that
    /// brings work back after a crash). It must not be below Orleans' <c>ReminderOptions.MinimumReminderPeriod</c>
    /// (1 minute unless configured lower).</summary>
    public TimeSpan ReconcilePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a study with waiting trials asks the ledger for slots it could not get (a silo
    /// may have joined, another study may have finished).</summary>
    public TimeSpan SlotPollPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Checkpoint after every epoch (a crash loses at most one epoch) rather than only at the end
    /// of each rung (fewer trainer calls and writes).</summary>
    public bool CheckpointEveryEpoch { get; set; } = true;

    /// <summary>How a study asks for its raw-pixel baseline: re-asks backed off and bounded, and how long a
    /// computation may take before the baseline is recorded as failed.</summary>
    public Baselines.PixelBaselineOptions PixelBaseline { get; set; } = new();

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        DeviceSlotNames.Validate(DeviceSlots);
        Positive(ReconcilePeriod, nameof(ReconcilePeriod));
        Positive(SlotPollPeriod, nameof(SlotPollPeriod));
        PixelBaseline.Validate();
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, $"EngineOptions.{name} must be positive.");
        }
    }
}
