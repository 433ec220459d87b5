using System.CommandLine;
using LensSweep.Models.Data;
using LensSweep.Models.Finetuning;

namespace LensSweep.Client.Commands;

/// <summary>
/// One <c>lenssweep finetune</c> task, described once: its name (the subcommand's, and the task run.json and
/// results.json record), its help and examples, its own options, its data rule and its metrics.
/// <see cref="FinetuneCommand"/> builds every subcommand from one of these in the same way.
/// </summary>
/// <typeparam name="TScores">What the task scores each row by, read by its <see cref="Metrics"/>.</typeparam>
internal abstract class FinetuneTask<TScores>(string name, DownstreamTask kind, IReadOnlyList<DownstreamMetric<TScores>> metrics)
{
    public string Name => name;

    public DownstreamTask Kind => kind;

    /// <summary>The scores the report shows and results.json writes; the first is the one the margins compare.</summary>
    public IReadOnlyList<DownstreamMetric<TScores>> Metrics => metrics;

    public abstract string Description { get; }

    public abstract IReadOnlyList<string> Examples { get; }

    /// <summary>The task's own options, listed before the ones every task takes.</summary>
    public virtual IReadOnlyList<Option> Options => [];

    /// <summary>Starts one run: checks what of the task's options can be checked before anything is read, and holds
    /// what the run learns on the way.</summary>
    public abstract FinetuneRun<TScores> Start(ParseResult parseResult, bool tta);
}

/// <summary>One run of a <see cref="FinetuneTask{TScores}"/>: its data rule, then its scores.</summary>
internal abstract class FinetuneRun<TScores>
{
    /// <summary>Makes the split from the data options and the encoder's config; null: the dataset the options name.</summary>
    public virtual Func<DatasetOptions, Models.Mae.MaeConfig, CancellationToken, DataSplit>? Load => null;

    /// <summary>The data rule: the training data from the encoder's split; what does not fit is a <see cref="CliInputException"/>.</summary>
    public abstract TaskData Data(Prepared prepared);

    /// <summary>Every row's scores, and the figures drawn into <paramref name="folder"/>.</summary>
    public abstract TaskScores<TScores> Score(IReadOnlyList<ContenderResult> results, int seed, string folder, bool tta);
}

/// <summary>What a task trains on and records.</summary>
/// <param name="Outputs">The head's outputs: the classes, 1 for a regression, the factor for a super-resolution.</param>
/// <param name="Augment">Whether flips and 90° rotations keep the targets right.</param>
/// <param name="Claim">The task's own settings in run.json (a target, a factor); null: none.</param>
/// <param name="Extra">What results.json adds about the task (its classes, the target's scale, the factor).</param>
/// <param name="Summary">The line printed before training.</param>
internal sealed record TaskData(DownstreamData Data, int Outputs, bool Augment, object? Claim, object? Extra, string Summary);

/// <summary>A run's report rows and the figures it drew.</summary>
internal sealed record TaskScores<TScores>(IReadOnlyList<ScoredRow<TScores>> Rows, IReadOnlyList<string> Figures);
