namespace LensSweep.Grains.Specs;

/// <summary>How a range is sampled by random search.</summary>
public enum RangeScale
{
    /// <summary><c>uniform</c>: uniform between min and max (integer parameters: uniform over the integers).</summary>
    Uniform,

    /// <summary><c>log</c>: log-uniform (min must be positive); integer parameters round to the nearest integer.</summary>
    Log,

    /// <summary><c>int</c>: uniform over the integers min..max inclusive; only for integer parameters.</summary>
    Int,
}

/// <summary>
/// The values one hyperparameter may take: a list (<c>[a, b, c]</c> in JSON, or a scalar for one fixed
/// value) or a range (<c>{ "min": …, "max": …, "scale": "uniform"|"log"|"int" }</c>, random search only).
/// </summary>
public abstract record ParameterDomain<T> where T : struct, IEquatable<T>
{
    private ParameterDomain() { }

    /// <summary>Explicit values, in the order the spec lists them (the grid order).</summary>
    public sealed record Values(IReadOnlyList<T> Items) : ParameterDomain<T>
    {
        public override string ToString() => Items.Count == 1
            ? SpecFormat.Value(Items[0])
            : "[" + string.Join(", ", Items.Select(v => SpecFormat.Value(v))) + "]";
    }

    /// <summary>A continuous or integer range, sampled by random search.</summary>
    public sealed record Range(double Min, double Max, RangeScale Scale) : ParameterDomain<T>
    {
        public override string ToString() =>
            $"{{ min: {SpecFormat.Value(Min)}, max: {SpecFormat.Value(Max)}, scale: {Scale.ToString().ToLowerInvariant()} }}";
    }
}

/// <summary>Short ways to build <see cref="ParameterDomain{T}"/> values in code and tests.</summary>
public static class ParameterDomain
{
    /// <summary>One fixed value.</summary>
    public static ParameterDomain<T> Fixed<T>(T value) where T : struct, IEquatable<T> =>
        new ParameterDomain<T>.Values([value]);

    /// <summary>A list of grid values.</summary>
    public static ParameterDomain<T> Of<T>(params T[] values) where T : struct, IEquatable<T> =>
        new ParameterDomain<T>.Values(values);

    /// <summary>A range for random search.</summary>
    public static ParameterDomain<T> Between<T>(double min, double max, RangeScale scale = RangeScale.Uniform)
        where T : struct, IEquatable<T> =>
        new ParameterDomain<T>.Range(min, max, scale);
}
