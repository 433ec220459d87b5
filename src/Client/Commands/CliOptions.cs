using LensSweep.Models.Simulation;
using System.CommandLine;
using System.CommandLine.Parsing;
using LensSweep.Client.Cluster;
using LensSweep.Client.Datasets;
using LensSweep.Client.Plotting;

namespace LensSweep.Client.Commands;

/// <summary>Options and arguments several commands share, each validated at parse time so mistakes exit with 2 before any work starts.</summary>
internal static class CliOptions
{
    public static Option<ClusterAddress> Cluster() => new("--cluster")
    {
        Description = $"Gateway of the cluster to talk to (default {ClusterAddress.DefaultText}, or ${ClusterAddress.EnvironmentVariable}).",
        HelpName = "host:port",
        Recursive = true,
        DefaultValueFactory = result =>
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(ClusterAddress.EnvironmentVariable);
            if (string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return ClusterAddress.Default;
            }

            if (ClusterAddress.TryParse(fromEnvironment, out var address))
            {
                return address;
            }

            result.AddError($"${ClusterAddress.EnvironmentVariable} must be host:port (e.g. {ClusterAddress.DefaultText}); it is '{fromEnvironment}'.");
            return ClusterAddress.Default;
        },
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (ClusterAddress.TryParse(text, out var address))
            {
                return address;
            }

            result.AddError($"--cluster must be host:port (e.g. {ClusterAddress.DefaultText}); got '{text}'.");
            return ClusterAddress.Default;
        },
    };

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

    public static void MustBePositive(Option<int?> option) =>
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } value && value < 1)
            {
                result.AddError($"{option.Name} must be a positive whole number; got {value}.");
            }
        });

    public static void MustBePositive(Option<int> option) =>
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is var value && value < 1)
            {
                result.AddError($"{option.Name} must be a positive whole number; got {value}.");
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
}
