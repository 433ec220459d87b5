namespace LensSweep.Grains.Baselines;

/// <summary>How a study asks for its raw-pixel baseline and how long it waits for one (<see cref="Hosting.EngineOptions.PixelBaseline"/>).</summary>
public sealed class PixelBaselineOptions
{
    /// <summary>The wait before the first re-ask; each further wait doubles, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait between two asks.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Asks in a row that may fail (no silo with device slots reachable, a call that timed out) before
    /// the baseline is recorded as failed.</summary>
    public int AskAttempts { get; set; } = 8;

    /// <summary>How long an asked computation may take before the study records its baseline as failed (the
    /// computing silo died unseen, or the scorer hangs).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(3);

    /// <summary>How long the computing grain lets the scorer run before it reports a failure and lets go.</summary>
    public TimeSpan ComputeTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        Positive(FirstRetryDelay, nameof(FirstRetryDelay));
        Positive(MaxRetryDelay, nameof(MaxRetryDelay));
        Positive(GiveUpAfter, nameof(GiveUpAfter));
        Positive(ComputeTimeout, nameof(ComputeTimeout));
        if (AskAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(AskAttempts), AskAttempts, "EngineOptions.PixelBaseline.AskAttempts must be at least 1.");
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, $"EngineOptions.PixelBaseline.{name} must be positive.");
        }
    }
}
