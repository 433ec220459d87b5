namespace LensSweep.Grains.Scheduling;

/// <summary>
/// The pure scheduling rules of a study (ASHA, or every trial to the full budget). No Orleans types:
/// the sweep grain persists what it needs, rebuilds the scheduler on activation and turns its decisions
/// into grain calls. Trials are numbered 0..N-1 in the order the search space yields configurations.
/// </summary>
public interface IStudyScheduler
{
    /// <summary>A device slot is free: what should run on it next.</summary>
    SchedulerDecision Next();

    /// <summary>A trial finished a rung with this probe score. Idempotent per (trial, rung).</summary>
    void Report(int trial, int rung, double score);

    /// <summary>A trial failed or was cancelled in a rung and will never report it.</summary>
    void Fail(int trial, int rung);

    /// <summary>True when no trial can run or be promoted any more.</summary>
    bool IsFinished { get; }
}

/// <summary>What <see cref="IStudyScheduler.Next"/> decided.</summary>
public abstract record SchedulerDecision
{
    private SchedulerDecision() { }

    /// <summary>Train <paramref name="Trial"/> from <paramref name="FromEpoch"/> to <paramref name="ToEpoch"/>
    /// (its checkpoint holds FromEpoch), then report <paramref name="Rung"/>.</summary>
    public sealed record Run(int Trial, int Rung, int FromEpoch, int ToEpoch, bool IsPromotion) : SchedulerDecision;

    /// <summary>Nothing can start until a running trial reports.</summary>
    public sealed record Wait : SchedulerDecision;

    /// <summary>The study is over.</summary>
    public sealed record Finished : SchedulerDecision;
}
