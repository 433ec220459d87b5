using LensSweep.Models.Simulation;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using LensSweep.Client.Cluster;
using LensSweep.Client.Datasets;
using LensSweep.Client.Plotting;
using LensSweep.Reporting.Plotting;

namespace LensSweep.Client.Commands;

/// <summary>Options and arguments several commands share, each validated at parse time so mistakes exit with 2 before any work starts.</summary>
internal static class CliOptions
{
    public static Argument<string> SpecFile() => new("spec")
    {
        Description = "Study spec file (JSON or YAML), e.g. examples/quick.json.",
    };

    public static Argument<string> StudyId() => new("id")
    {
        Description = "Study id (the spec's name); 'lenssweep study list' shows them.",
    };

    public static Option<MacroLens> MacroLensChoice() => Choice(
        "--macro-lens",
        "Simulated macro lens: fixed (DeepLense Model II: the same SIE and shear in every image) or varied (Einstein radius, ellipticity, shear and source position drawn per image).",
        MacroLens.Fixed);

    public static Option<PixelNoise> NoiseChoice() => Choice(
        "--noise",
        "Simulated pixel noise: none (Model II as released) or euclid (sky, read and shot noise of Euclid VIS, Model II as designed).",
        PixelNoise.None);

    /// <summary>An enum choice whose error lists every valid value on one line (System.CommandLine's own spreads them over several).</summary>
    /// <param name="defaultValue">Must be the enum's first member: the option has no default value factory,
    /// because help would print the default as .NET spells it ("Regions") rather than as one types it.</param>
    public static Option<TEnum> Choice<TEnum>(string name, string description, TEnum defaultValue)
        where TEnum : struct, Enum
    {
        if (!EqualityComparer<TEnum>.Default.Equals(defaultValue, default))
        {
            throw new ArgumentException($"The default of {name} must be the first member of {typeof(TEnum).Name}.", nameof(defaultValue));
        }

        var names = Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()).ToArray();
        var option = new Option<TEnum>(name)
        {
            Description = $"{description} [default: {defaultValue.ToString().ToLowerInvariant()}]",
            HelpName = string.Join('|', names),
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                if (Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && names.Contains(text.ToLowerInvariant()))
                {
                    return value;
                }

                result.AddError($"{name} must be one of {string.Join(", ", names)}; got '{text}'.");
                return defaultValue;
            },
        };
        option.CompletionSources.Add(names);
        return option;
    }

    /// <summary>
    /// The one home for options that take a whole number: anything that is not one (abc, 1.5, 1e12) is refused
    /// at parse time with exit 2 and one line naming the option and the value, never a stack trace.
    /// </summary>
    /// <param name="defaultValue">Null for a required option, or one whose command reads "not given" as such.</param>
    public static Option<int> WholeNumber(string name, string description, int? defaultValue, int min = 1, int max = int.MaxValue, string helpName = "N")
    {
        var option = new Option<int>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result => ParseWhole(result, name, min, max) ?? defaultValue ?? 0,
        };
        if (defaultValue is { } value)
        {
            option.DefaultValueFactory = _ => value;
        }

        return option;
    }

    /// <summary>As <see cref="WholeNumber"/>, for an option whose absence means something (null: not given).</summary>
    public static Option<int?> OptionalWholeNumber(string name, string description, int min = 1, string helpName = "N") => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result => ParseWhole(result, name, min, int.MaxValue),
    };

    /// <summary>An option that takes any finite number (a rate, a ratio); the model's own rules check its range.</summary>
    public static Option<double> RealNumber(string name, string description, double defaultValue, string helpName) => new(name)
    {
        Description = description,
        HelpName = helpName,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            {
                return value;
            }

            result.AddError($"{name} must be a number such as 0.75 or 1e-3; got '{text}'.");
            return defaultValue;
        },
    };

    /// <summary>
    /// <c>--slots N|auto</c> for a run on this machine: auto (null) lets the launcher choose from the devices; a
    /// count means CPU slots, and more than the machine's cores would only make the trials share them.
    /// </summary>
    public static Option<SlotCount> Slots(int cores) => new("--slots")
    {
        Description = $"Device slots, i.e. trials training at once: a number of CPU slots (at most the {cores} CPU cores of this machine), or auto: one per GPU, else one per two CPU cores. [default: auto]",
        HelpName = "N|auto",
        CustomParser = result =>
        {
            if (result.Tokens.Single().Value.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase))
            {
                return SlotCount.Auto;
            }

            var count = ParseWhole(result, "--slots", 1, int.MaxValue, "a positive whole number or auto");
            if (count > cores)
            {
                result.AddError($"--slots {count} is more than the {cores} CPU cores of this machine; give at most {cores}, or auto.");
            }

            return new SlotCount(count);
        },
    };

    /// <summary><c>--serve [HOST:]PORT</c> (<see cref="ServeAddress"/>): a bad value is a usage error, before anything starts.</summary>
    public static Option<IPEndPoint?> Serve() => new("--serve")
    {
        Description = "Serve the read-only study page (and its JSON at /api/studies) at http://HOST:PORT/ while the run runs; a port alone binds 127.0.0.1 only.",
        HelpName = "[HOST:]PORT",
        CustomParser = result =>
        {
            var endpoint = ServeAddress.Parse(result.Tokens.Single().Value, out var problem);
            if (problem is not null)
            {
                result.AddError(problem);
            }

            return endpoint;
        },
    };

    /// <summary>A folder option (<c>--out DIR</c>): naming an existing file is a usage error, not a failed run.</summary>
    public static void MustNotBeAFile(Option<string?> option) =>
        option.Validators.Add(result =>
        {
            if (result.Tokens.SingleOrDefault()?.Value is { } path && File.Exists(path))
            {
                result.AddError($"{option.Name} '{path}' is a file; give a folder (a new one, or one an earlier run wrote).");
            }
        });

    public static void MustBePlotFile(Option<string> option) =>
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } path && !PlotFile.IsSupported(path))
            {
                result.AddError($"{option.Name} must name a .png or .svg file; got '{path}'.");
            }
        });

    /// <returns>The value, or null after adding the one-line error (the option and the value as typed).</returns>
    private static int? ParseWhole(ArgumentResult result, string name, int min, int max, string? expected = null)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens.Single().Value;
        expected ??= (min, max) switch
        {
            (1, int.MaxValue) => "a positive whole number",
            (0, int.MaxValue) => "zero or a positive whole number",
            (int.MinValue, int.MaxValue) => "a whole number",
            (_, int.MaxValue) => $"a whole number of at least {min}",
            _ => $"a whole number from {min} to {max}",
        };
        if (Grains.Specs.WholeNumber.TryParse(text, out var value) != Grains.Specs.WholeNumber.Problem.None || value < min || value > max)
        {
            result.AddError($"{name} must be {expected}; got '{text}'.");
            return null;
        }

        return value;
    }
}

/// <summary><c>--slots</c> as given: a number of CPU slots, or null for auto. A class because System.CommandLine
/// cannot return a null <c>int?</c> from a custom parser.</summary>
internal sealed record SlotCount(int? Count)
{
    public static SlotCount Auto { get; } = new((int?)null);
}
