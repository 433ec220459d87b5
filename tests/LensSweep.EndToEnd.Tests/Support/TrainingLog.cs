using System.Text.RegularExpressions;

namespace LensSweep.EndToEnd.Tests.Support;

/// <summary>
/// What a silo's log says about training. The TorchSharp trainer logs one line per trainer call
/// ("Trial {study}/{n}: training epochs {from}→{to} on {device}", from its last checkpoint), and the sweep
/// logs a trial it put back in the queue after losing its slot ("Study {study} requeued trial {n}; …").
/// </summary>
internal static partial class TrainingLog
{
    public static Regex AnyEpochOf(string study) => new($@"Trial {Regex.Escape(study)}/(?<trial>\d+): training epochs (?<from>\d+)→(?<to>\d+)");

    /// <summary>A trainer call that starts past epoch 0, i.e. from a checkpoint.</summary>
    public static Regex EpochFromCheckpointOf(string study) => new($@"Trial {Regex.Escape(study)}/(?<trial>\d+): training epochs (?<from>[1-9]\d*)→(?<to>\d+)");

    public static Regex EpochOf(string study, int trial) => new($@"Trial {Regex.Escape(study)}/{trial}: training epochs (?<from>\d+)→(?<to>\d+)");

    /// <summary>A trial stopped by its silo's drain, and where ("… stopped at epoch {e} step {k} for the silo's drain").</summary>
    public static Regex StoppedForDrain(string study) => new($@"Trial {Regex.Escape(study)}/(?<trial>\d+) attempt \d+ stopped at epoch (?<epoch>\d+) step (?<step>\d+) for the silo's drain");

    /// <summary>A trainer call of one trial with the step it resumes at inside its first epoch.</summary>
    public static Regex ResumedAtStep(string study, int trial) => new($@"Trial {Regex.Escape(study)}/{trial}: training epochs (?<from>\d+)→(?<to>\d+) on \S+, from step (?<step>\d+)");

    public static Regex Requeued(string study, int trial) => new($@"Study {Regex.Escape(study)} requeued trial {trial}\b");

    public static int Int(this Match match, string group) => int.Parse(match.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture);
}
