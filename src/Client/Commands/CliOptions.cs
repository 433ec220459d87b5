using System.CommandLine;
using System.CommandLine.Parsing;
using LensSweep.Client.Cluster;
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

    /// <summary>An enum choice whose error lists every valid value on one line (System.CommandLine's own spreads them over several).</summary>
    public static Option<TEnum> Choice<TEnum>(string name, string description, TEnum defaultValue)
        where TEnum : struct, Enum
    {
        var names = Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()).ToArray();
        var option = new Option<TEnum>(name)
        {
            Description = description,
            HelpName = string.Join('|', names),
            DefaultValueFactory = _ => defaultValue,
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
