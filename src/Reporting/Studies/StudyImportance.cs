using LensSweep.Grains.Importance;

namespace LensSweep.Reporting.Studies;

/// <summary>A study's hyperparameter importance, with the axes it was estimated over (for labels).</summary>
/// <param name="Options">The forest's constants the estimate was made with.</param>
public sealed record StudyImportance(IReadOnlyList<StudyAxis> Axes, ImportanceEstimate Estimate, ImportanceOptions Options)
{
    /// <summary>The estimate over every trial with a value for each searched hyperparameter, by the study's metric and mode.</summary>
    public static StudyImportance Of(StudyResults results, ImportanceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        options ??= new ImportanceOptions();
        var axes = StudyAxis.Of(results);
        var trials = results.Trials
            .Select(t => (Trial: t, Values: axes.Select(a => t.ValueOf(a.Name)).ToList()))
            .Where(t => t.Values.All(v => v is not null))
            .Select(t => new ImportanceTrial(
                [.. axes.Select((a, i) => a.Code(t.Values[i]!.Value))],
                Scores(t.Trial)))
            .ToList();
        return new StudyImportance(axes, HyperparameterImportance.Estimate(axes.Select(a => new ImportanceAxis(a.Name, a.Kind)).ToList(), trials, results.Study.Mode, options), options);
    }

    /// <summary>The rung a trial is compared at in the importance estimate and the parallel-coordinates plot.</summary>
    public static int? ScoringRung(StudyResults results) =>
        HyperparameterImportance.ScoringRung(results.Trials.Select(Scores));

    /// <summary>How to name a rung for people: "rung 0 (2 epochs)", the epochs its trials had trained when scored there.</summary>
    public static string RungName(StudyResults results, int rung)
    {
        var epochs = results.Trials.SelectMany(t => t.Rungs).Where(r => r.Rung == rung).Select(r => r.Epochs).DefaultIfEmpty().Max();
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"rung {rung} ({epochs} {(epochs == 1 ? "epoch" : "epochs")})");
    }

    /// <summary>A trial's score at <paramref name="rung"/>; null when it has none there.</summary>
    public static double? ScoreAt(TrialTrajectory trial, int rung) => HyperparameterImportance.ScoreAt(Scores(trial), rung);

    private static IReadOnlyList<ScoreAtRung> Scores(TrialTrajectory trial) => [.. trial.Rungs.Select(r => new ScoreAtRung(r.Rung, r.Score))];

    public StudyAxis Axis(string name) => Axes.Single(a => a.Name == name);
}
