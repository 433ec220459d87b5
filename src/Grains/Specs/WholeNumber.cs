using System.Globalization;

namespace LensSweep.Grains.Specs;

/// <summary>
/// What counts as a whole number wherever one is wanted (a spec key, a console option): any number that is
/// integral and fits 32 bits, however it is written. <c>1e9</c> and <c>1000000000.0</c> are the whole number
/// a scientist means by them; <c>1.5</c> and <c>1e12</c> are not.
/// </summary>
public static class WholeNumber
{
    /// <summary>Why a number is not a whole number, for messages that name the value.</summary>
    public enum Problem
    {
        None,
        NotANumber,
        NotIntegral,
        OutOfRange,
    }

    public static Problem TryFrom(double value, out int whole)
    {
        whole = 0;
        if (!double.IsFinite(value))
        {
            return Problem.NotANumber;
        }

        if (Math.Floor(value) != value)
        {
            return Problem.NotIntegral;
        }

        if (value is < int.MinValue or > int.MaxValue)
        {
            return Problem.OutOfRange;
        }

        whole = (int)value;
        return Problem.None;
    }

    /// <summary>Reads text as typed on a command line: digits, a decimal point or an exponent, invariant culture.</summary>
    public static Problem TryParse(string? text, out int whole)
    {
        whole = 0;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return Problem.NotANumber;
        }

        // Integer literals are read exactly; a double would round a long one such as 2147483648000000001.
        if (long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exact))
        {
            return exact is < int.MinValue or > int.MaxValue ? Problem.OutOfRange : Store((int)exact, out whole);
        }

        return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
            ? TryFrom(real, out whole)
            : Problem.NotANumber;
    }

    private static Problem Store(int value, out int whole)
    {
        whole = value;
        return Problem.None;
    }
}
