using System.Globalization;
using System.Text.Json;
using LensSweep.Grains.Specs;
using LensSweep.Models.Data;
using LensSweep.Models.Evaluation;
using LensSweep.Models.Mae;
using LensSweep.Models.Training;
using TorchSharp;

namespace LensSweep.Bench;

/// <summary>
/// Is a pretraining result ours or the method's? Reads a `lenssweep data simulate` folder (with its truth.csv)
/// as a study reads a folder, splits it as a study does, pretrains LensSweep's MAE per seed and scores it at
/// epoch 0 and after the last epoch with a study's default evaluation (<see cref="PretrainingInputs"/>), then
/// pretrains the PyTorch reference MAE on the same images with the same recipe and probes
/// (bench/reference/pretrain_reference.py) and prints both side by side.
/// </summary>
public sealed class PretrainCheckBenchmark : IBenchmark
{
    public string Name => "pretraincheck";

    public string Description => "pretrained and random-init r2_macro / probe_auc: LensSweep vs the PyTorch reference MAE on the same folder (pretrain_reference.py)";

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var folder = OrchestrationThroughputBenchmark.Arg(args, "--data", null);
        if (args.Contains("--help") || folder is null)
        {
            Console.WriteLine("lenssweep-bench pretraincheck --data DIR [--labelled-per-class N] [--epochs 10] [--seeds 2] [--image-size 64] [--threads 2] [--out DIR] [--no-python]");
            Console.WriteLine("Exits non-zero when the PyTorch side cannot run (python missing, a module missing, the script missing) or fails (its stderr tail is printed).");
            Console.WriteLine("DIR: ./lenssweep data simulate --out DIR --count 400 --macro-lens varied (its truth.csv is read back).");
            Console.WriteLine("The first N images per class are labelled (split as a study splits: 15% validation, 15% test, seed 0), the rest an");
            Console.WriteLine("unlabelled pool pretraining also sees (default: all labelled). The reference MaeConfig and AdamW recipe at that");
            Console.WriteLine("image size, a study's default evaluation; seeds 0..n-1.");
            return Task.FromResult(folder is null && !args.Contains("--help") ? 2 : 0);
        }

        var size = OrchestrationThroughputBenchmark.IntArg(args, "--image-size", 64);
        var epochs = OrchestrationThroughputBenchmark.IntArg(args, "--epochs", 10);
        var seeds = Enumerable.Range(0, OrchestrationThroughputBenchmark.IntArg(args, "--seeds", 2)).Select(s => (long)s).ToList();
        var threads = OrchestrationThroughputBenchmark.IntArg(args, "--threads", 2);
        torch.set_num_threads(threads);
        var output = OrchestrationThroughputBenchmark.Arg(args, "--out", null) ?? Directory.CreateTempSubdirectory("lenssweep-pretraincheck-").FullName;

        var options = new DatasetOptions { Kind = DatasetKind.DeepLense, Path = folder, ImagesPerClass = null, ImageSize = size };
        var dataset = new DatasetLoader().Load(options, cancellationToken: cancellationToken);
        var labelledPerClass = OrchestrationThroughputBenchmark.IntArg(args, "--labelled-per-class", 0);
        var (labelled, pool) = labelledPerClass > 0 ? PretrainingPool.SplitOff(dataset, labelledPerClass) : (dataset, null);
        var split = DataSplitter.Split(labelled, options.ValidationFraction, options.TestFraction, options.Seed);
        var pretraining = pool is null ? split.Train : PretrainingPool.Join(split.Train, pool);

        var model = new MaeConfig { ImageSize = size, Channels = dataset.Channels };
        var settings = new ProbeSettings().ToEvaluationSettings(model);
        Console.WriteLine(F($"pretraincheck: {folder}: {pretraining.Count} pretraining images, probes on {split.Train.Count}/{split.Validation.Count} train/validation; reference MAE {size}×{size}, {epochs} epochs, {seeds.Count} seed(s), {threads} threads; inputs in {output}"));
        var started = DateTime.UtcNow;
        PretrainingScores ours;
        try
        {
            ours = PretrainingInputs.Write(output, split, pretraining, model, new OptimizerConfig(), epochs, seeds, settings, cancellationToken);
        }
        catch (ArgumentException e)
        {
            // The settings a study would refuse for its trial (e.g. a warm-up as long as the run).
            Console.Error.WriteLine($"pretraincheck: {e.Message}");
            return Task.FromResult(2);
        }

        Console.WriteLine(F($"LensSweep: {(DateTime.UtcNow - started).TotalSeconds:F0} s"));
        foreach (var metric in new[] { EvaluationMetrics.R2Macro, EvaluationMetrics.ProbeAuc })
        {
            if (ours.Gain.TryGetValue(metric, out var gain))
                Console.WriteLine(F($"  {metric}: random init {ours.RandomInit[metric]:F4}, pretrained {ours.Pretrained[metric]:F4}, gain {gain.Value:+0.0000;-0.0000} [{gain.Low:+0.0000;-0.0000}, {gain.High:+0.0000;-0.0000}]"));
        }

        if (args.Contains("--no-python"))
        {
            Console.WriteLine("PyTorch reference not run: --no-python was given");
            return Task.FromResult(0);
        }

        started = DateTime.UtcNow;
        var (exit, failure, _) = PythonReference.RunReference(
            "pretrain_reference.py", "numpy, torch", PythonReference.Python, echo: true, output, "--threads", threads.ToString(CultureInfo.InvariantCulture));
        if (failure is not null)
        {
            Console.Error.WriteLine($"pretraincheck: the PyTorch reference did not run to its end: {failure}");
            return Task.FromResult(exit);
        }

        Console.WriteLine(F($"PyTorch: {(DateTime.UtcNow - started).TotalSeconds:F0} s"));
        var comparison = Path.Combine(output, "comparison.json");
        if (!File.Exists(comparison))
        {
            Console.Error.WriteLine($"pretraincheck: pretrain_reference.py exited 0 but wrote no {comparison}");
            return Task.FromResult(1);
        }

        PrintDifferences(comparison);
        return Task.FromResult(0);
    }

    /// <summary>Per metric and encoder (random init, pretrained, gain = pretrained minus random init per seed): each
    /// side's mean over seeds and LensSweep minus PyTorch with its interval over seeds (<see cref="ImplementationDifference"/>).</summary>
    private static void PrintDifferences(string comparisonFile)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(comparisonFile));
        var sides = new[] { "lenssweep", "pytorch" }.Select(side => json.RootElement.GetProperty(side).GetProperty("seeds").EnumerateArray().ToList()).ToArray();
        static double? Read(JsonElement seed, string part, string metric) =>
            seed.GetProperty(part).TryGetProperty(metric, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
        static double? Score(JsonElement seed, string part, string metric) => part == "gain"
            ? Read(seed, "pretrained", metric) - Read(seed, "random_init", metric)
            : Read(seed, part, metric);

        Console.WriteLine(F($"LensSweep − PyTorch, mean over seeds ({sides[0].Count} and {sides[1].Count}), 95% bootstrap interval over seeds (each side's drawn on their own):"));
        Console.WriteLine(F($"  {"metric",-12}{"",-12}{"LensSweep",10}{"PyTorch",10}{"difference",12}  interval"));
        foreach (var metric in new[] { EvaluationMetrics.R2Macro, EvaluationMetrics.ProbeAuc })
        {
            foreach (var part in new[] { "random_init", "pretrained", "gain" })
            {
                var values = sides.Select(seeds => seeds.Select(seed => Score(seed, part, metric)).ToList()).ToArray();
                if (values.Any(v => v.Count == 0 || v.Any(x => x is null)))
                {
                    continue;
                }

                var (ours, theirs) = (values[0].Select(v => v!.Value).ToList(), values[1].Select(v => v!.Value).ToList());
                var difference = ImplementationDifference.Of(ours, theirs);
                Console.WriteLine(F($"  {metric,-12}{part,-12}{ours.Average(),10:F4}{theirs.Average(),10:F4}{difference.Value,12:+0.0000;-0.0000}  [{difference.Low:+0.0000;-0.0000}, {difference.High:+0.0000;-0.0000}]"));
            }
        }
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
