using LensSweep.Grains.Importance;
using LensSweep.Reporting.Plotting;

namespace LensSweep.Reporting.Studies;

/// <summary>
/// A searched hyperparameter as its trials spread it: a choice by name (categorical, its choices in ordinal
/// order), a number searched over decades (log), a whole number, or a real. A range's scale is the spec's
/// (carried by the study's status); a list's is read from its values. Plots and the importance estimate both
/// take it from here.
/// </summary>
/// <param name="Choices">For a categorical axis, every choice the trials made, in ordinal order; empty otherwise.</param>
public sealed record StudyAxis(string Name, AxisKind Kind, IReadOnlyList<string> Choices)
{
    /// <summary>The axes of every hyperparameter the study searched, in <see cref="StudyResults.SearchedParameters"/> order.</summary>
    public static IReadOnlyList<StudyAxis> Of(StudyResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return [.. results.SearchedParameters.Select(name => Of(
            name,
            results.Trials.Select(t => t.ValueOf(name)).OfType<ParameterValue>().ToList(),
            results.Study.RangeScales.TryGetValue(name, out var log) ? log : null))];
    }

    /// <param name="declaredLog">Whether the spec searched it over a log-scale range; null when it gave a list of
    /// values (then the scale is read from them: a rate, or values spanning decades, is log).</param>
    public static StudyAxis Of(string name, IReadOnlyList<ParameterValue> values, bool? declaredLog = null)
    {
        if (values.Any(v => v.Number is null))
        {
            return new StudyAxis(name, AxisKind.Categorical, [.. values.Select(v => v.ToString()).Distinct().Order(StringComparer.Ordinal)]);
        }

        var numbers = values.Select(v => v.Number!.Value).ToList();
        var kind = declaredLog ?? AxisScale.PrefersLog(name, numbers) ? AxisKind.Log
            : numbers.All(n => n == Math.Round(n)) ? AxisKind.Integer
            : AxisKind.Continuous;
        return new StudyAxis(name, kind, []);
    }

    public bool IsLog => Kind == AxisKind.Log;

    /// <summary>The value as a number: itself, or the index of the choice for a categorical axis.</summary>
    public double Code(ParameterValue value) =>
        Kind == AxisKind.Categorical ? IndexOf(value.ToString()) : value.Number ?? throw new ArgumentException($"'{Name}' is numeric; '{value}' is not.", nameof(value));

    /// <summary>The value a <see cref="Code"/> stands for, as the console prints it.</summary>
    public string Label(double code) =>
        Kind == AxisKind.Categorical ? Choices[(int)code] : code.ToString("G4", System.Globalization.CultureInfo.InvariantCulture).ToLowerInvariant();

    private int IndexOf(string choice)
    {
        for (var i = 0; i < Choices.Count; i++)
        {
            if (Choices[i] == choice)
            {
                return i;
            }
        }

        throw new ArgumentException($"'{choice}' is not one of {Name}'s choices.", nameof(choice));
    }
}
