using System.Globalization;
using System.Text.Json;
using LensSweep.Grains.Specs;
using LensSweep.Models.Data;
using LensSweep.Models.Evaluation;
using LensSweep.Models.Mae;
using LensSweep.Models.Simulation;
using LensSweep.Models.Training;
using TorchSharp;

namespace LensSweep.Bench;

/// <summary>
/// Is a score ours or the method's? Evaluates the reference MAE on varied-lens images at epoch 0 and after a
/// few epochs of pretraining with a study's default probe settings, writes the features and truths the probes
/// fit on (<see cref="EvaluationInputs"/>), fits the same probes in scikit-learn and PyTorch
/// (bench/reference/probe_reference.py) and prints each validation score beside LensSweep's with the
/// difference and the ratio.
/// </summary>
public sealed class ProbeCheckBenchmark : IBenchmark
{
    public string Name => "probecheck";

    public string Description => "ridge R² and probe AUC: LensSweep vs scikit-learn and PyTorch on the same features (probe_reference.py)";

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Contains("--help"))
        {
            Console.WriteLine("lenssweep-bench probecheck [--images-per-class 60] [--image-size 64] [--epochs 2] [--threads 2] [--out DIR] [--no-python]");
            Console.WriteLine("Varied macro lens, split 50/25/25 (seed 0); the reference MaeConfig at that image size; a study's default probe.");
            return Task.FromResult(0);
        }

        var perClass = OrchestrationThroughputBenchmark.IntArg(args, "--images-per-class", 60);
        var size = OrchestrationThroughputBenchmark.IntArg(args, "--image-size", 64);
        var epochs = OrchestrationThroughputBenchmark.IntArg(args, "--epochs", 2);
        torch.set_num_threads(OrchestrationThroughputBenchmark.IntArg(args, "--threads", 2));
        var output = OrchestrationThroughputBenchmark.Arg(args, "--out", null) ?? Directory.CreateTempSubdirectory("lenssweep-probecheck-").FullName;
        var script = PythonReference.FindScript("probe_reference.py");
        var python = !args.Contains("--no-python") && File.Exists(PythonReference.Python) && script is not null;

        var data = new LensSimulator(SimulatorOptions.VariedMacroLens with { ImageSize = size }).Generate(perClass, seed: 0);
        ImageNormalizer.Apply(data);
        var split = DataSplitter.Split(data, 0.25, 0.25, seed: 0);
        var config = new MaeConfig { ImageSize = size };
        var settings = new ProbeSettings { BootstrapResamples = 20 }.ToEvaluationSettings(config);
        Console.WriteLine(F($"probecheck: {split.Train.Count}/{split.Validation.Count} train/validation images ({size}×{size}, varied lens), reference MAE, probe {settings.Probe.Iterations} Adam steps at {settings.Probe.LearningRate}, l2 {settings.Probe.L2}; inputs in {output}"));

        using var trainer = new MaeTrainer(config, new OptimizerConfig { TotalEpochs = epochs, WarmupEpochs = epochs > 1 ? 1 : 0 }, seed: 0);
        Check("random init (epoch 0)", Path.Combine(output, "random-init"));
        trainer.Train(split.Train, epochs, cancellationToken: cancellationToken);
        Check(F($"pretrained ({epochs} epochs)"), Path.Combine(output, "pretrained"));
        return Task.FromResult(0);

        void Check(string label, string folder)
        {
            cancellationToken.ThrowIfCancellationRequested();
            EvaluationInputs.Write(folder, trainer.Model, split, settings);
            Console.WriteLine($"{label}:");
            if (!python)
            {
                Console.WriteLine($"  reference not run (needs {PythonReference.Python} with python3-numpy, -sklearn, -torch; or --no-python was given)");
                return;
            }

            if (PythonReference.Run(PythonReference.StartInfo(script!, folder), "probe reference") is { } reference)
            {
                Print(reference);
            }
        }
    }

    private static void Print(JsonElement reference)
    {
        var ours = reference.GetProperty("lenssweep");
        var sklearn = reference.GetProperty("sklearn");
        var pytorch = reference.GetProperty("torch");
        Console.WriteLine($"  {"metric",-16}{"LensSweep",10}{"sklearn",10}{"diff",9}{"ratio",8}{"PyTorch",10}{"diff",9}{"ratio",8}");
        foreach (var metric in sklearn.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal))
        {
            if (!ours.TryGetProperty(metric, out var value))
            {
                continue;
            }

            var line = F($"  {metric,-16}{value.GetDouble(),10:F4}") + Beside(value.GetDouble(), sklearn, metric);
            line += pytorch.ValueKind == JsonValueKind.Object && pytorch.TryGetProperty(metric, out _) ? Beside(value.GetDouble(), pytorch, metric) : $"{"-",10}";
            Console.WriteLine(line);
        }
    }

    private static string Beside(double ours, JsonElement reference, string metric)
    {
        var theirs = reference.GetProperty(metric).GetDouble();
        var difference = Math.Round(ours - theirs, 4);
        return F($"{theirs,10:F4}{(difference == 0 ? "±0.0000" : difference.ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture)),9}{ours / theirs,8:F3}");
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
