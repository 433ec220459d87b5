using LensSweep.Grains.Scheduling;
using Run = LensSweep.Grains.Scheduling.SchedulerDecision.Run;

namespace LensSweep.Grains.Tests.Scheduling;

/// <summary>
/// Plays a sweep grain against a scheduler: keeps up to <c>slots</c> runs going, and when all slots are
/// busy (or the scheduler says Wait) finishes a running trial chosen by a seeded generator, reporting a
/// score that depends only on (trial, rung). Two drivers with equal state and seed make equal calls.
/// </summary>
internal sealed class StudyDriver(int slots, int seed)
{
    private readonly Random random = new(seed);

    public List<Run> Running { get; private init; } = [];

    public List<SchedulerDecision> Decisions { get; } = [];

    public static double Score(int trial, int rung) => Math.Abs(Math.Sin((trial * 12.9898) + (rung * 78.233)) * 43758.5453) % 1.0;

    public StudyDriver CloneWithSeed(int newSeed) => new(slots, newSeed) { Running = [.. Running] };

    /// <summary>Runs until the scheduler says Finished, or for <paramref name="maxSteps"/> steps.</summary>
    public void Drive(IStudyScheduler scheduler, int maxSteps = int.MaxValue, Func<int, int, double>? score = null)
    {
        score ??= Score;
        for (int step = 0; step < maxSteps; step++)
        {
            if (Running.Count < slots)
            {
                var decision = scheduler.Next();
                Decisions.Add(decision);
                if (decision is Run run)
                {
                    Running.Add(run);
                    continue;
                }

                if (decision is SchedulerDecision.Finished)
                {
                    return;
                }
            }

            var done = Running[random.Next(Running.Count)];
            Running.Remove(done);
            scheduler.Report(done.Trial, done.Rung, score(done.Trial, done.Rung));
        }
    }
}
