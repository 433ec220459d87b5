using LensSweep.Reporting.Studies;

namespace LensSweep.Client.Tests;

/// <summary>A small finished ASHA study (mask ratio × embed dim × learning rate) to feed leaderboards, plots and watch views.</summary>
internal static class SampleStudy
{
    public const string Id = "quick";

    public static readonly IReadOnlyList<string> Searched = ["mask_ratio", "embed_dim", "learning_rate"];

    public static StudyResults Results(StudyState state = StudyState.Completed) =>
        new(Summary(state), Searched, Trials());

    public static StudySummary Summary(StudyState state = StudyState.Completed)
    {
        var trials = Trials();
        return new StudySummary(
            Id, Id, state, "val_auc", PhaseCounts.Of(trials.Select(t => t.State)),
            trials.SelectMany(t => t.Rungs).Max(r => r.Score), new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    }

    public static IReadOnlyList<TrialTrajectory> Trials()
    {
        var trials = new List<TrialTrajectory>();
        var n = 0;
        foreach (var mask in new[] { 0.5, 0.75, 0.9 })
        {
            foreach (var embed in new[] { 32, 64 })
            {
                var lr = n % 2 == 0 ? 1e-4 : 1e-2;
                var baseScore = 0.6 + mask * 0.2 + embed / 640.0;
                var promoted = n is 3 or 5;
                var rungs = new List<RungScore> { new(0, 1, baseScore, 2.0 + n, 1e9 * (1 + n)) };
                if (promoted)
                {
                    rungs.Add(new RungScore(1, 2, baseScore + 0.02, 5.0 + n, 2e9 * (1 + n)));
                    rungs.Add(new RungScore(2, 4, baseScore + 0.03, 11.0 + n, 4e9 * (1 + n)));
                }

                trials.Add(new TrialTrajectory(
                    $"{Id}/trial-{n}",
                    promoted ? TrialPhase.Completed : TrialPhase.Stopped,
                    [
                        new ParameterSetting("mask_ratio", ParameterValue.Of(mask)),
                        new ParameterSetting("embed_dim", ParameterValue.Of(embed)),
                        new ParameterSetting("learning_rate", ParameterValue.Of(lr)),
                    ],
                    rungs));
                n++;
            }
        }

        return trials;
    }

    /// <summary>A study seen three times: two trials training, then one promoted, then finished.</summary>
    public static IReadOnlyList<StudySnapshot> Snapshots(StudyState finalState = StudyState.Completed)
    {
        var parameters = Trials()[0].Parameters;
        StudySnapshot At(StudyState state, params LiveTrial[] trials) => new(
            Summary(state) with { Trials = PhaseCounts.Of(trials.Select(t => t.State)) }, trials.Count(t => t.State == TrialPhase.Running), 2, trials);
        return
        [
            At(StudyState.Running,
                new LiveTrial("quick/trial-0", TrialPhase.Running, 0, 0, 1, null, "cpu:0", parameters),
                new LiveTrial("quick/trial-1", TrialPhase.Running, 0, 0, 1, null, "cpu:1", parameters)),
            At(StudyState.Running,
                new LiveTrial("quick/trial-0", TrialPhase.Stopped, 0, 1, 1, 0.71, null, parameters),
                new LiveTrial("quick/trial-1", TrialPhase.Running, 1, 1, 2, 0.78, "cpu:1", parameters)),
            At(finalState,
                new LiveTrial("quick/trial-0", TrialPhase.Stopped, 0, 1, 1, 0.71, null, parameters),
                new LiveTrial("quick/trial-1", finalState == StudyState.Completed ? TrialPhase.Completed : TrialPhase.Failed, 1, 2, 2, 0.8, null, parameters)),
        ];
    }
}
