using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LensSweep.Models.Ijepa;
using LensSweep.Models.Mae;
using LensSweep.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LensSweep.Bench;

/// <summary>
/// Training throughput and peak memory of the two pretraining objectives (mae, ijepa) at the reference
/// configuration of shared/bench/README.md, side by side with their ratio. Each measurement runs in a fresh
/// child process (with the same glibc malloc settings as <c>mae</c>), so one objective's retained heap never
/// counts towards the other's peak; rounds alternate the objectives and the figures are medians over rounds.
/// </summary>
public sealed class ObjectiveBenchmark : IBenchmark
{
    private const string ChildFlag = "--child";
    private static readonly PretrainingObjective[] Objectives = [PretrainingObjective.Mae, PretrainingObjective.Ijepa];

    public string Name => "objective";

    public string Description => "mae vs ijepa training img/s and peak RSS on the reference config, side by side";

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = Options.Parse(args);
        if (options.Help)
        {
            Console.WriteLine("lenssweep-bench objective [--threads N=2] [--rounds R=3] [--steps 20] [--reps 3] [--warmup 3] [--batch 64]");
            Console.WriteLine("Each round trains mae, then ijepa, each in a child process; reports medians and ijepa/mae ratios.");
            return Task.FromResult(0);
        }

        if (options.Child is { } child)
        {
            Measure(child, options);
            return Task.FromResult(0);
        }

        Console.WriteLine(F($"Objective benchmark: reference config, batch {options.Batch}, {options.Threads} thread(s), {options.Rounds} alternating round(s), {options.Reps}×{options.Steps} timed steps after {options.Warmup} warm-up."));
        Console.WriteLine("The machine is shared with other work: figures are medians over rounds and stay noisy.");
        var rates = Objectives.ToDictionary(o => o, _ => new List<double>());
        var peaks = Objectives.ToDictionary(o => o, _ => new List<double>());
        var losses = Objectives.ToDictionary(o => o, _ => double.NaN);
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var objective in Objectives)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (RunChild(objective, args) is not { } result) return Task.FromResult(1);
                rates[objective].Add(result.GetProperty("img_s").GetDouble());
                peaks[objective].Add(result.GetProperty("peak_rss_mb").GetDouble());
                losses[objective] = result.GetProperty("final_loss").GetDouble();
                Console.WriteLine(F($"  round {round + 1} {MaeChoiceNames.Of(objective),-5} train {rates[objective][^1],7:F1} img/s, peak RSS {peaks[objective][^1],5:F0} MiB (loss {losses[objective]:F4})"));
            }
        }

        Console.WriteLine();
        Console.WriteLine("objective   train img/s   peak RSS MiB   MFLOP/img   final loss");
        foreach (var objective in Objectives)
        {
            var config = new MaeConfig { Objective = objective };
            Console.WriteLine(F($"{MaeChoiceNames.Of(objective),-9} {MaeBenchmark.Median(rates[objective]),13:F1} {MaeBenchmark.Median(peaks[objective]),14:F0} {MaeCost.TrainingFlopsPerImage(config) / 1e6,11:F1} {losses[objective],12:F4}"));
        }

        var (mae, ijepa) = (PretrainingObjective.Mae, PretrainingObjective.Ijepa);
        Console.WriteLine(F($"ratio ijepa/mae: throughput {MaeBenchmark.Median(rates[ijepa]) / MaeBenchmark.Median(rates[mae]):F2}x, peak RSS {MaeBenchmark.Median(peaks[ijepa]) / MaeBenchmark.Median(peaks[mae]):F2}x"));
        return Task.FromResult(0);
    }

    /// <summary>In the child: the reference loop of <c>mae</c> (fixed random batch, constant lr 1.5e-4) for one
    /// objective; prints one JSON line with its median img/s, the process's peak RSS and the last loss.</summary>
    private static void Measure(PretrainingObjective objective, Options options)
    {
        torch.set_num_threads(options.Threads);
        var config = new MaeConfig { Objective = objective };
        using var dataGenerator = new Generator(1, CPU);
        using var images = randn([options.Batch, config.Channels, config.ImageSize, config.ImageSize], generator: dataGenerator);
        using var noise = new Generator(0, CPU);
        const double learningRate = 1.5e-4;
        var (weights, step) = Build(config);
        using (weights)
        using (step)
        {
            weights.train();
            float loss = 0;
            for (var i = 0; i < options.Warmup; i++) loss = step.Invoke(images, noise, learningRate);
            var rates = new List<double>();
            for (var rep = 0; rep < options.Reps; rep++)
            {
                var started = Stopwatch.GetTimestamp();
                for (var i = 0; i < options.Steps; i++) loss = step.Invoke(images, noise, learningRate);
                rates.Add(options.Steps * options.Batch / Stopwatch.GetElapsedTime(started).TotalSeconds);
            }

            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double>
            {
                ["img_s"] = MaeBenchmark.Median(rates),
                ["peak_rss_mb"] = MaeBenchmark.PeakRssMb(),
                ["final_loss"] = loss,
            }));
        }
    }

    /// <summary>The objective's networks and a step function over them (I-JEPA at the start of its EMA schedule).</summary>
    private static (nn.Module Weights, StepFunction Step) Build(MaeConfig config)
    {
        if (config.Objective == PretrainingObjective.Ijepa)
        {
            var ijepa = new IjepaModel(config, seed: 0);
            var ijepaStep = new IjepaTrainingStep(ijepa, new OptimizerConfig());
            return (ijepa, new StepFunction((x, g, lr) => ijepaStep.Run(x, g, lr, progress: 0), ijepaStep));
        }

        var mae = new MaeModel(config, seed: 0);
        var maeStep = new MaeTrainingStep(mae, new OptimizerConfig());
        return (mae, new StepFunction(maeStep.Run, maeStep));
    }

    /// <summary>Runs this benchmark again as a child for one objective, blocking (see <c>MaeBenchmark.RunPython</c>
    /// on why not awaiting), and reads the JSON line it prints last.</summary>
    private static JsonElement? RunChild(PretrainingObjective objective, string[] args)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find this process's executable to re-run it.");
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        start.ArgumentList.Add("objective");
        foreach (var argument in args) start.ArgumentList.Add(argument);
        start.ArgumentList.Add(ChildFlag);
        start.ArgumentList.Add(MaeChoiceNames.Of(objective));
        foreach (var (name, value) in MaeBenchmark.MallocSettings) start.Environment[name] = value;
        return PythonReference.Run(start, $"{MaeChoiceNames.Of(objective)} measurement");
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One training step as the loop calls it, and what to dispose after.</summary>
    private sealed class StepFunction(Func<Tensor, Generator, double, float> run, IDisposable owner) : IDisposable
    {
        public float Invoke(Tensor images, Generator noise, double learningRate) => run(images, noise, learningRate);

        public void Dispose() => owner.Dispose();
    }

    private static PretrainingObjective Objective(string name) => MaeChoiceNames.Objectives.First(c => c.Name == name).Value;

    private sealed record Options(int Threads, int Rounds, int Steps, int Reps, int Warmup, int Batch, PretrainingObjective? Child, bool Help)
    {
        public static Options Parse(string[] args)
        {
            var o = new Options(2, 3, 20, 3, 3, 64, null, false);
            for (var i = 0; i < args.Length; i++)
            {
                int Next() => i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out var v) && v > 0
                    ? v
                    : throw new ArgumentException($"Option {args[i - 1]} needs a positive whole number.");
                o = args[i] switch
                {
                    "--threads" => o with { Threads = Next() },
                    "--rounds" => o with { Rounds = Next() },
                    "--steps" => o with { Steps = Next() },
                    "--reps" => o with { Reps = Next() },
                    "--warmup" => o with { Warmup = Next() },
                    "--batch" => o with { Batch = Next() },
                    ChildFlag when i + 1 < args.Length && MaeChoiceNames.Objectives.Any(c => c.Name == args[i + 1]) =>
                        o with { Child = Objective(args[++i]) },
                    "-h" or "--help" => o with { Help = true },
                    _ => throw new ArgumentException($"Unknown or incomplete option '{args[i]}' (see --help)."),
                };
            }

            return o;
        }
    }
}
