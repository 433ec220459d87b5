using System.Globalization;

namespace LensSweep.Reporting.Studies;

/// <summary>A hyperparameter's value: a number (mask ratio, patch size, learning rate) or a choice by name.</summary>
public readonly record struct ParameterValue
{
    private ParameterValue(double? number, string? text)
    {
        Number = number;
        Text = text;
    }

    /// <summary>The value when numeric; null for a named choice.</summary>
    public double? Number { get; }

    /// <summary>The value when a named choice; null for a number.</summary>
    public string? Text { get; }

    public static ParameterValue Of(double number) => new(number, null);

    public static ParameterValue Of(string text) => new(null, text);

    /// <summary>Invariant culture, shortest round-trip form, so output is the same on every machine.</summary>
    public override string ToString() =>
        Number is { } number ? number.ToString("R", CultureInfo.InvariantCulture) : Text ?? string.Empty;
}
