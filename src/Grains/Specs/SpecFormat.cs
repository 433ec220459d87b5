using System.Globalization;

namespace LensSweep.Grains.Specs;

/// <summary>Culture-free formatting of spec values, so messages and trial descriptions read the same everywhere.</summary>
internal static class SpecFormat
{
    public static string Value<T>(T value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "null",
    };
}
