using System.Diagnostics;
using System.Globalization;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Training;
using LensSweep.Grains.Trials;
using LensSweep.Models.Evaluation;
using LensSweep.Models.Training;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;

namespace LensSweep.Bench;

/// <summary>
/// What share of a trial's wall time its evaluations take (issue 9, goal under 15%): one trial of a study spec
/// (default examples/quick.json, its reference-configuration trial: mask 0.75, embed 128) is set up as the trial
/// trainer sets it up, then timed piece by piece: the epoch-0 evaluation, pretraining to the first rung, the
/// evaluation at the rung's end (and, each once more, without the ridge probes and without the reconstruction
/// loss, to split it), and the study's one pixel baseline. Each evaluation is timed --reps times and its median
/// kept, after one untimed evaluation that warms the process up (a silo's trials run in a warm process).
/// </summary>
public sealed class EvaluationShareBenchmark : IBenchmark
{
    private const double Goal = 0.15;

    public string Name => "evalshare";

    public string Description => "share of a trial's time spent on evaluations (probes, ridge, recon, baselines) vs training; goal < 15%";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Contains("--help"))
        {
            Console.WriteLine("lenssweep-bench evalshare [--spec examples/quick.json] [--trial N] [--epochs E] [--reps 3] [--threads 2]");
            Console.WriteLine("--trial: which configuration (default: the first with mask_ratio 0.75 and embed_dim 128, else 0);");
            Console.WriteLine("--epochs: pretraining epochs timed (default: the scheduler's first rung, min_epochs).");
            return 0;
        }

        torch.set_num_threads(OrchestrationThroughputBenchmark.IntArg(args, "--threads", 2));
        var path = OrchestrationThroughputBenchmark.Arg(args, "--spec", null) ?? PythonReference.FindAbove(Path.Combine("examples", "quick.json"));
        if (path is null)
        {
            Console.Error.WriteLine($"examples/quick.json not found above {AppContext.BaseDirectory}; pass --spec.");
            return 2;
        }

        var loaded = StudySpecLoader.LoadFile(path);
        if (loaded.Spec is not { } spec || !loaded.IsValid)
        {
            Console.Error.WriteLine($"{path}: {string.Join("; ", loaded.Problems.Select(p => $"{p.Field}: {p.Rule}"))}");
            return 2;
        }

        var configurations = spec.ExpandConfigurations();
        var reference = configurations.Select((c, i) => (c, i)).FirstOrDefault(x => x.c.MaskRatio == 0.75 && x.c.EmbedDim == 128).i;
        var index = OrchestrationThroughputBenchmark.Arg(args, "--trial", null) is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : reference;
        var config = configurations[index];
        var epochs = OrchestrationThroughputBenchmark.IntArg(args, "--epochs", spec.Scheduler.ToAshaOptions().MinEpochs);
        var reps = OrchestrationThroughputBenchmark.IntArg(args, "--reps", 3);

        var loading = Stopwatch.StartNew();
        var study = await new DatasetCache(NullLogger<LensSweep.Models.Data.DatasetLoader>.Instance).GetStudyDataAsync(spec.Dataset, cancellationToken);
        var data = study.Split;
        var model = config.ToMaeConfig(data.Train.Height, data.Train.Channels);
        var evaluation = spec.Probe.ToEvaluationSettings(model);
        var seed = TrialSetup.SeedFor(spec.Seed, index * Math.Max(1, spec.Repeats));
        Console.WriteLine(F($"evalshare: {spec.Name} trial {index} ({config}); {data.Train.Count}/{data.Validation.Count}/{data.Test.Count} train/validation/test images, pretraining on {study.PretrainingImages.Count}; {epochs} epochs timed; evaluations the median of {reps}; data ready in {loading.Elapsed.TotalSeconds:F1} s"));

        using var trainer = new MaeTrainer(model, config.ToOptimizerConfig(spec.Scheduler.MaxEpochs), seed);
        EncoderEvaluation.Evaluate(trainer.Model, data, evaluation, seed);
        var initial = Median(reps, () => EncoderEvaluation.Evaluate(trainer.Model, data, evaluation, seed));
        Console.WriteLine(F($"  epoch-0 evaluation     {initial,8:F1} s"));
        var training = Time(() => trainer.Train(study.PretrainingImages, epochs, cancellationToken: cancellationToken));
        Console.WriteLine(F($"  training, {epochs} epochs    {training,8:F1} s ({study.PretrainingImages.Count * (double)epochs / training:F0} img/s)"));
        var rungEnd = Median(reps, () => EncoderEvaluation.Evaluate(trainer.Model, data, evaluation, seed));
        var withoutRidge = Median(reps, () => EncoderEvaluation.Evaluate(trainer.Model, data, evaluation with { Regression = false }, seed));
        var withoutRecon = Median(reps, () => EncoderEvaluation.Evaluate(trainer.Model, data, evaluation with { Reconstruction = false }, seed));
        Console.WriteLine(F($"  rung-end evaluation    {rungEnd,8:F1} s (ridge probes ~{rungEnd - withoutRidge:F1} s, recon_loss ~{rungEnd - withoutRecon:F1} s, linear probe and intervals ~{withoutRidge + withoutRecon - rungEnd:F1} s)"));
        var pixels = Median(reps, () => EncoderEvaluation.EvaluatePixels(data, spec.Probe.ToEvaluationSettings(model: null)));
        var trials = spec.TrialCount;
        Console.WriteLine(F($"  pixel baseline         {pixels,8:F1} s once per study ({pixels / trials:F1} s per trial over its {trials} trials)"));

        var rungShare = rungEnd / (training + rungEnd);
        var firstRung = (initial + rungEnd + (pixels / trials)) / (training + initial + rungEnd + (pixels / trials));
        Console.WriteLine(F($"share of the timed rung (its {epochs} epochs + its evaluation): {rungShare:P1}; ratio to the 15% goal {rungShare / Goal:F2}x"));
        Console.WriteLine(F($"  with the epoch-0 evaluation and the trial's part of the pixel baseline: {firstRung:P1}; ratio to the goal {firstRung / Goal:F2}x"));

        // A whole trial promoted to the top rung: one epoch-0 evaluation, one per rung end, and training to
        // the last rung, at the timed seconds per epoch (evaluations cost the same at every rung).
        var budgets = spec.Scheduler.ToAshaOptions().RungBudgets();
        var perEpoch = training / epochs;
        var evaluations = initial + (budgets.Count * rungEnd) + (pixels / trials);
        var wholeShare = evaluations / ((budgets[^1] * perEpoch) + evaluations);
        Console.WriteLine(F($"projected for a trial through every rung ({string.Join(", ", budgets)} epochs) at {perEpoch:F1} s per epoch: {wholeShare:P1}; ratio to the goal {wholeShare / Goal:F2}x"));
        return 0;
    }

    private static double Median(int reps, Action action)
    {
        return MaeBenchmark.Median([.. Enumerable.Range(0, reps).Select(_ => Time(action))]);
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
