namespace LensSweep.Models.Simulation;

/// <summary>A closed interval a parameter is drawn uniformly from; Min == Max fixes it.</summary>
public readonly record struct ParameterRange(double Min, double Max)
{
    public static ParameterRange Fixed(double value) => new(value, value);

    public bool IsFixed => Min == Max;

    internal double Sample(ref SeededRandom random) => IsFixed ? Min : random.Uniform(Min, Max);

    internal void Validate(string name, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool minInclusive = true)
    {
        SimulatorOptions.Require(double.IsFinite(Min) && double.IsFinite(Max), name, $"must have finite bounds, got [{Min}, {Max}]");
        SimulatorOptions.Require(Min <= Max, name, $"has Min {Min} above Max {Max}");
        SimulatorOptions.Require(minInclusive ? Min >= min : Min > min, name, $"must lie {(minInclusive ? "at or above" : "above")} {min}, got Min {Min}");
        SimulatorOptions.Require(Max <= max, name, $"must lie at or below {max}, got Max {Max}");
    }
}
