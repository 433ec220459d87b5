using LensSweep.Grains.Scheduling;

namespace LensSweep.Grains.Tests.Scheduling;

/// <summary>
/// ASHA written straight from the paper's pseudo-code, sorting every rung on every decision: slow, but
/// obviously right, to check the indexed <see cref="AshaScheduler"/> against. Failures are not modelled.
/// </summary>
internal sealed class NaiveAsha(AshaOptions options, int trialCount) : IStudyScheduler
{
    private readonly int[] budgets = [.. options.RungBudgets()];
    private readonly Dictionary<(int Trial, int Rung), double> results = [];
    private readonly HashSet<(int Trial, int Rung)> promotedFrom = [];
    private readonly HashSet<(int Trial, int Rung)> running = [];
    private int next;

    public bool IsFinished => running.Count == 0 && next >= trialCount && Candidate() is null;

    public SchedulerDecision Next()
    {
        if (Candidate() is var (trial, rung))
        {
            promotedFrom.Add((trial, rung));
            running.Add((trial, rung + 1));
            return new SchedulerDecision.Run(trial, rung + 1, budgets[rung], budgets[rung + 1], true);
        }

        if (next < trialCount)
        {
            running.Add((next, 0));
            return new SchedulerDecision.Run(next++, 0, 0, budgets[0], false);
        }

        return running.Count > 0 ? new SchedulerDecision.Wait() : new SchedulerDecision.Finished();
    }

    public void Report(int trial, int rung, double score)
    {
        running.Remove((trial, rung));
        results.TryAdd((trial, rung), score);
    }

    public void Fail(int trial, int rung) => running.Remove((trial, rung));

    private (int Trial, int Rung)? Candidate()
    {
        for (int k = budgets.Length - 2; k >= 0; k--)
        {
            var ranked = results.Where(r => r.Key.Rung == k)
                .OrderBy(r => options.Mode == MetricMode.Max ? -r.Value : r.Value)
                .ThenBy(r => r.Key.Trial)
                .Select(r => r.Key)
                .ToList();
            foreach (var key in ranked.Take(ranked.Count / options.Eta))
            {
                if (!promotedFrom.Contains(key))
                {
                    return key;
                }
            }
        }

        return null;
    }
}
