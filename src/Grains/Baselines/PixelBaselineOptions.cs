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

    /// <summary>Every option out of range, each as "Name is value; it must be …", in declaration order: the one
    /// rule that <see cref="Validate"/> and the silo's configuration check both read.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        Positive(problems, FirstRetryDelay, nameof(FirstRetryDelay));
        Positive(problems, MaxRetryDelay, nameof(MaxRetryDelay));
        if (AskAttempts < 1)
        {
            problems.Add($"{nameof(AskAttempts)} is {AskAttempts}; it must be at least 1");
        }

        Positive(problems, GiveUpAfter, nameof(GiveUpAfter));
        Positive(problems, ComputeTimeout, nameof(ComputeTimeout));
        return problems;
    }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (Problems() is [var first, ..])
        {
            throw new ArgumentOutOfRangeException(nameof(Hosting.EngineOptions.PixelBaseline), $"EngineOptions.PixelBaseline.{first}.");
        }
    }

    private static void Positive(List<string> problems, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{name} is {value}; it must be positive");
        }
    }
}
