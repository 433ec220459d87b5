namespace LensSweep.Grains.Scheduling;

/// <summary>Whether a higher or a lower score is better.</summary>
public enum MetricMode
{
    Max,
    Min,
}

/// <summary>
/// ASHA's constants: rung k trains to min(r·eta^k, R) epochs, for k = 0..K where rung K is the first to
/// reach R. With r = R there is one rung and ASHA degenerates to running every trial to R.
/// </summary>
/// <param name="MinEpochs">r: the budget of rung 0, at least 1.</param>
/// <param name="MaxEpochs">R: the budget of the last rung, at least r.</param>
/// <param name="Eta">Reduction factor, at least 2: the top ⌊n/eta⌋ of a rung's n results may be promoted.</param>
/// <param name="Mode">Whether a higher score is better.</param>
public sealed record AshaOptions(int MinEpochs, int MaxEpochs, int Eta = 3, MetricMode Mode = MetricMode.Max)
{
    /// <summary>The epoch budget of each rung, rung 0 first; the last is <see cref="MaxEpochs"/>.</summary>
    public IReadOnlyList<int> RungBudgets()
    {
        Validate();
        var budgets = new List<int>();
        for (long budget = MinEpochs; ; budget *= Eta)
        {
            budgets.Add((int)Math.Min(budget, MaxEpochs));
            if (budget >= MaxEpochs)
            {
                return budgets;
            }
        }
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first constant out of range.</summary>
    public void Validate()
    {
        if (MinEpochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinEpochs), MinEpochs, "ASHA's min epochs (r) must be at least 1.");
        }

        if (MaxEpochs < MinEpochs)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxEpochs), MaxEpochs, $"ASHA's max epochs (R) must be at least min epochs (r = {MinEpochs}).");
        }

        if (Eta < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Eta), Eta, "ASHA's reduction factor eta must be at least 2.");
        }
    }
}
