namespace LensSweep.Grains.Importance;

/// <summary>How a hyperparameter's values are spread, which decides the measure its importance is taken over.</summary>
public enum AxisKind
{
    /// <summary>A real number, uniform between the smallest and largest value the trials tried.</summary>
    Continuous,

    /// <summary>A positive real searched over decades (learning rate, weight decay): uniform in log10.</summary>
    Log,

    /// <summary>A whole number; treated as continuous between its extremes, as fANOVA treats integers.</summary>
    Integer,

    /// <summary>A choice: every value the trials tried weighs the same; values are codes with no order.</summary>
    Categorical,
}

/// <summary>One hyperparameter the trials differ in.</summary>
public sealed record ImportanceAxis(string Name, AxisKind Kind);

/// <summary>A trial's score on the study's metric at the end of one rung.</summary>
public readonly record struct ScoreAtRung(int Rung, double Score);

/// <summary>One trial: its value for each axis, in the axes' order (a categorical axis takes any number as the
/// code of a choice), and its score at every rung it finished.</summary>
public sealed record ImportanceTrial(IReadOnlyList<double> Values, IReadOnlyList<ScoreAtRung> Scores);

/// <summary>The forest's fixed constants; the defaults are Optuna's FanovaImportanceEvaluator's tree count and a fixed seed.</summary>
/// <param name="Trees">Regression trees in the surrogate forest, each fitted on a bootstrap sample of the trials.</param>
/// <param name="MaxDepth">Deepest a tree grows; below it a node becomes a leaf.</param>
/// <param name="Seed">Seed of the bootstrap draws: the same trials always give the same numbers.</param>
public sealed record ImportanceOptions(int Trees = 64, int MaxDepth = 64, int Seed = 0)
{
    /// <summary>Below this many scored trials a forest of regression trees explains noise, so no numbers are given.</summary>
    public const int MinimumTrials = 10;
}

/// <summary>One hyperparameter's main effect.</summary>
/// <param name="Share">The fraction of the surrogate's variance over the search space that this hyperparameter explains
/// alone (its main effect), averaged over the forest's trees; 0 for an axis the trials never vary.</param>
/// <param name="BestAt">The tried value (a code for a categorical axis) where this hyperparameter's marginal
/// prediction is best for the study's mode (highest for max, lowest for min).</param>
public sealed record ParameterImportance(string Name, double Share, double BestAt);

/// <summary>The estimate, or why there is none.</summary>
/// <param name="Rung">The rung whose scores were used: the one most trials have a score at; null with no scores.</param>
/// <param name="ScoredTrials">Trials with a finite score at <paramref name="Rung"/>: the rows the forest was fitted on.</param>
/// <param name="Parameters">Each axis's main effect, largest share first (ties in the axes' order); empty when <see cref="Refusal"/> is set.</param>
/// <param name="Interactions">The variance no single hyperparameter explains: interactions between them, which this estimate does not split up.</param>
/// <param name="Refusal">Why no numbers are given (too few scored trials); null when <paramref name="Parameters"/> holds the estimate.</param>
public sealed record ImportanceEstimate(
    int? Rung,
    int ScoredTrials,
    IReadOnlyList<ParameterImportance> Parameters,
    double Interactions,
    string? Refusal)
{
    public bool IsEstimated => Refusal is null;
}
