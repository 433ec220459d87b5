using System.CommandLine;
using LensSweep.Client.Cluster;
using LensSweep.Models.Data;

namespace LensSweep.Client.Commands;

/// <summary>
/// <c>lenssweep finetune …</c>: downstream tasks on a trained encoder, each reported against the same network
/// trained from random init and a small supervised CNN of about the encoder's size, trained on the same split with
/// the same seed. Epochs are chosen on validation; the test split is read once, at the chosen epoch. Each task is a
/// <see cref="FinetuneTask{TScores}"/> (<see cref="ClassifyTask"/>, <see cref="RegressTask"/>,
/// <see cref="SuperResolutionTask"/>), and every subcommand is built from one by <see cref="Build{TScores}"/>.
/// </summary>
internal static class FinetuneCommand
{
    public const string RocFile = "roc.png";
    public const string ScatterFile = "predicted_vs_true.png";
    public const string ExamplesFile = "examples.png";

    /// <summary>Test images the examples figure shows.</summary>
    public const int ExampleCount = 4;

    /// <summary>The name of the trivial baseline: the input upsampled bilinearly, nothing learned.</summary>
    public const string BilinearName = "bilinear";

    /// <summary>Truths a flip or a quarter turn of the image leaves as they are, so dihedral augmentation keeps the label
    /// right; the others (ellipticity, shear, source position) turn with the image.</summary>
    public static IReadOnlyList<string> RotationInvariantTruths { get; } = [LensTruths.ThetaE, LensTruths.SubhaloCount, LensTruths.AxionMass];

    public static Command Create(IStudyClusterConnector? cluster, Func<string, string?> environment, HelpExamples examples)
    {
        var finetune = examples.Add(
            new Command("finetune", "Downstream tasks on a trained encoder (the best trial of a study, a trial, or a checkpoint file), each against the same task trained from random init and against a small supervised CNN of similar size."),
            "lenssweep finetune classify --study quick --spec examples/quick.json --out finetune/quick",
            "lenssweep finetune regress --checkpoint encoder.ckpt --macro-lens varied --target theta_e --out finetune/theta-e",
            "lenssweep finetune superres --study quick --factor 2 --out finetune/superres");
        finetune.Add(Build(new ClassifyTask(), cluster, environment, examples));
        finetune.Add(Build(new RegressTask(), cluster, environment, examples));
        finetune.Add(Build(new SuperResolutionTask(), cluster, environment, examples));
        return finetune;
    }

    /// <summary>The subcommand of <paramref name="task"/>: its own options, then those every task takes; a run
    /// prepares the encoder and its split, applies the task's data rule, claims --out, trains every contender and
    /// reports the task's metrics.</summary>
    private static Command Build<TScores>(FinetuneTask<TScores> task, IStudyClusterConnector? cluster, Func<string, string?> environment, HelpExamples examples)
    {
        var options = new DownstreamOptions(task.Kind, cluster, environment);
        var command = examples.Add(new Command(task.Name, task.Description), [.. task.Examples]);
        foreach (var option in task.Options)
        {
            command.Add(option);
        }

        options.AddTo(command);
        CommandAction.Set(command, async (parseResult, console, cancellationToken) =>
        {
            var folder = options.Output(parseResult);
            var tta = options.TestTimeAugmentation(parseResult);
            var run = task.Start(parseResult, tta);
            using var prepared = await options.PrepareAsync(parseResult, console.Out, cancellationToken, run.Load);
            var data = run.Data(prepared);
            var settings = options.Settings(parseResult, data.Augment);
            DownstreamOptions.ClaimFolder(folder, task.Name, data.Claim, prepared, settings);
            console.Out.WriteLine(data.Summary);
            var results = DownstreamOptions.RunContenders(prepared, task.Kind, data.Outputs, settings, data.Data, folder, tta, console.Out, cancellationToken);
            var scored = run.Score(results, (int)settings.Seed, folder, tta);
            DownstreamReport.Write(console.Out, folder, task.Name, prepared, settings, tta, data.Data, task.Metrics, scored.Rows, data.Extra, scored.Figures);
            return ExitCodes.Success;
        });
        return command;
    }
}
