using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LensSweep.Models.Mae;
using LensSweep.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LensSweep.Bench;

/// <summary>
/// MAE training and inference throughput on the reference configuration of shared/bench/README.md,
/// beside shared/bench/mae_reference.py (PyTorch) run in alternating rounds on the same machine.
/// </summary>
public sealed class MaeBenchmark : IBenchmark
{
    // glibc otherwise hands freed tensor memory back to the OS and faults it in again every step
    // (about a million minor faults per run); these keep it (bench README, "What moved the figures").
    internal static readonly (string Name, string Value)[] MallocSettings =
    [
        ("MALLOC_MMAP_THRESHOLD_", "4294967296"),
        ("MALLOC_TRIM_THRESHOLD_", "4294967296"),
        ("MALLOC_TOP_PAD_", "268435456"),
    ];

    private const string OpenBlasOpenMp = "/usr/lib/x86_64-linux-gnu/openblas-openmp";

    public string Name => "mae";

    public string Description => "MAE train/inference img/s on the reference config vs PyTorch (mae_reference.py)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = Options.Parse(args);
        if (options.Help)
        {
            Console.WriteLine("lenssweep-bench mae [--threads N=2] [--rounds R=3] [--steps 40] [--reps 3] [--warmup 5]");
            Console.WriteLine("                    [--mode train|infer|both] [--no-python] [--no-reexec]");
            Console.WriteLine("Re-executes itself with the glibc malloc settings unless --no-reexec or they are already set.");
            return 0;
        }

        if (!options.NoReexec && Environment.GetEnvironmentVariable(MallocSettings[0].Name) is null)
            return await ReexecWithMallocSettingsAsync(args, cancellationToken);

        torch.set_num_threads(options.Threads);
        var reference = options.NoPython ? null : FindPythonReference();
        var config = new MaeConfig();
        Console.WriteLine($"MAE benchmark: reference config, {options.Threads} thread(s), {options.Rounds} alternating round(s); " +
                          $"malloc settings {(Environment.GetEnvironmentVariable(MallocSettings[0].Name) is null ? "off" : "on")}; " +
                          $"PyTorch reference: {reference ?? "not run"}");
        Console.WriteLine("The machine is shared with other work: figures are medians over rounds and stay noisy.");

        if (options.Mode is "train" or "both")
        {
            var ours = new List<double>();
            var theirs = new List<double>();
            double oursLoss = double.NaN, theirsLoss = double.NaN, theirsRss = double.NaN;
            for (var round = 0; round < options.Rounds; round++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (imgPerSecond, loss) = TrainRound(config, options);
                ours.Add(imgPerSecond);
                oursLoss = loss;
                Console.WriteLine(F($"  round {round + 1} TorchSharp train {imgPerSecond:F1} img/s (loss {loss:F4})"));
                if (reference is null) continue;
                var result = RunPython(reference, "train", options);
                if (result is null) { reference = null; continue; }
                theirs.Add(result.Value.GetProperty("train_img_s_median").GetDouble());
                theirsLoss = result.Value.GetProperty("final_loss").GetDouble();
                theirsRss = result.Value.GetProperty("vm_hwm_mb").GetDouble();
                Console.WriteLine(F($"  round {round + 1} PyTorch    train {theirs[^1]:F1} img/s (loss {theirsLoss:F4})"));
            }

            var rss = PeakRssMb();
            var gflops = Median(ours) * MaeCost.TrainingFlopsPerImage(config) / 1e9;
            Console.WriteLine(F($"train: TorchSharp median {Median(ours):F1} img/s ({gflops:F1} GFLOP/s at {MaeCost.TrainingFlopsPerImage(config) / 1e6:F1} MFLOP/img), final loss {oursLoss:F4}, peak RSS {rss:F0} MiB"));
            if (theirs.Count > 0)
                Console.WriteLine(F($"train: PyTorch    median {Median(theirs):F1} img/s, final loss {theirsLoss:F4}, peak RSS {theirsRss:F0} MiB; ratio TorchSharp/PyTorch {Median(ours) / Median(theirs):F2}x"));
        }

        if (options.Mode is "infer" or "both")
        {
            ResetPeakRss();
            var ours = new List<double>();
            var theirs = new List<double>();
            double theirsRss = double.NaN;
            for (var round = 0; round < options.Rounds; round++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ours.Add(InferRound(config, options));
                Console.WriteLine(F($"  round {round + 1} TorchSharp infer {ours[^1]:F1} img/s"));
                if (reference is null) continue;
                var result = RunPython(reference, "infer", options);
                if (result is null) { reference = null; continue; }
                theirs.Add(result.Value.GetProperty("infer_img_s_median").GetDouble());
                theirsRss = result.Value.GetProperty("vm_hwm_mb").GetDouble();
                Console.WriteLine(F($"  round {round + 1} PyTorch    infer {theirs[^1]:F1} img/s"));
            }

            Console.WriteLine(F($"infer: TorchSharp median {Median(ours):F1} img/s (batch {options.InferBatch}, all 64 patches, no grad), peak RSS {PeakRssMb():F0} MiB"));
            if (theirs.Count > 0)
                Console.WriteLine(F($"infer: PyTorch    median {Median(theirs):F1} img/s, peak RSS {theirsRss:F0} MiB; ratio TorchSharp/PyTorch {Median(ours) / Median(theirs):F2}x"));
        }

        return 0;
    }

    /// <summary>The reference loop: fixed random batch, constant lr 1.5e-4, 5 warm-up then reps × steps timed.</summary>
    private static (double ImagesPerSecond, double Loss) TrainRound(MaeConfig config, Options options)
    {
        using var model = new MaeModel(config, seed: 0);
        using var step = new MaeTrainingStep(model, new OptimizerConfig());
        using var noise = new Generator(0, CPU);
        using var dataGenerator = new Generator(1, CPU);
        using var images = randn([options.Batch, config.Channels, config.ImageSize, config.ImageSize], generator: dataGenerator);
        const double learningRate = 1.5e-4;
        model.train();
        float loss = 0;
        for (var i = 0; i < options.Warmup; i++) loss = step.Run(images, noise, learningRate);
        var rates = new List<double>();
        for (var rep = 0; rep < options.Reps; rep++)
        {
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < options.Steps; i++) loss = step.Run(images, noise, learningRate);
            rates.Add(options.Steps * options.Batch / Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        return (Median(rates), loss);
    }

    /// <summary>Encoder on all patches, batch 256, no grad: 2 warm-up then reps × 10 timed passes.</summary>
    private static double InferRound(MaeConfig config, Options options)
    {
        using var model = new MaeModel(config, seed: 0);
        using var dataGenerator = new Generator(1, CPU);
        using var images = randn([options.InferBatch, config.Channels, config.ImageSize, config.ImageSize], generator: dataGenerator);
        model.eval();
        using var _ = no_grad();
        void Pass()
        {
            using var scope = NewDisposeScope();
            model.EncodeAll(images);
        }

        for (var i = 0; i < 2; i++) Pass();
        var rates = new List<double>();
        for (var rep = 0; rep < options.Reps; rep++)
        {
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < options.InferIters; i++) Pass();
            rates.Add(options.InferIters * options.InferBatch / Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        return Median(rates);
    }

    /// <summary>
    /// Runs the reference script and blocks until it ends. Blocking, not awaiting: after an await the next
    /// TorchSharp round would run on a thread-pool thread while the thread that first used libtorch stays
    /// alive with its OpenMP team, and two teams on two cores cut 2-thread training by a third or more.
    /// </summary>
    private static JsonElement? RunPython(string script, string mode, Options options)
    {
        var start = PythonReference.StartInfo(script, "--mode", mode, "--threads", options.Threads.ToString(CultureInfo.InvariantCulture),
            "--steps", options.Steps.ToString(CultureInfo.InvariantCulture), "--reps", options.Reps.ToString(CultureInfo.InvariantCulture),
            "--warmup", options.Warmup.ToString(CultureInfo.InvariantCulture));
        if (Directory.Exists(OpenBlasOpenMp)) start.Environment["LD_LIBRARY_PATH"] = OpenBlasOpenMp;
        return PythonReference.Run(start, "PyTorch reference");
    }

    /// <summary>shared/bench/mae_reference.py beside the repository, if PyTorch imports.</summary>
    private static string? FindPythonReference() =>
        PythonReference.FindShared("mae_reference.py") is { } script && PythonReference.Has("torch") ? script : null;

    private static async Task<int> ReexecWithMallocSettingsAsync(string[] args, CancellationToken cancellationToken)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find this process's executable to re-run it.");
        var start = new ProcessStartInfo(host);
        // Under "dotnet lenssweep-bench.dll" the host is dotnet and the assembly comes first.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        start.ArgumentList.Add("mae");
        foreach (var argument in args) start.ArgumentList.Add(argument);
        start.ArgumentList.Add("--no-reexec");
        foreach (var (name, value) in MallocSettings) start.Environment[name] = value;

        using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not re-run {host}.");
        try
        {
            await child.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            child.Kill();
            throw;
        }

        return child.ExitCode;
    }

    internal static double PeakRssMb()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>Writing 5 to clear_refs resets VmHWM (Linux ≥ 4.0), so inference reports its own peak.</summary>
    private static void ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
            Console.WriteLine("  (could not reset the peak RSS; the inference peak includes training)");
        }
        catch (UnauthorizedAccessException)
        {
            Console.WriteLine("  (could not reset the peak RSS; the inference peak includes training)");
        }
    }

    /// <summary>The middle value, or the mean of the middle two; NaN when there are none. The benchmarks' one median.</summary>
    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Options(
        int Threads, int Rounds, int Steps, int Reps, int Warmup, int Batch, int InferBatch, int InferIters,
        string Mode, bool NoPython, bool NoReexec, bool Help)
    {
        public static Options Parse(string[] args)
        {
            var o = new Options(2, 3, 40, 3, 5, 64, 256, 10, "both", false, false, false);
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
                    "--mode" when i + 1 < args.Length && args[i + 1] is "train" or "infer" or "both" => o with { Mode = args[++i] },
                    "--no-python" => o with { NoPython = true },
                    "--no-reexec" => o with { NoReexec = true },
                    "-h" or "--help" => o with { Help = true },
                    _ => throw new ArgumentException($"Unknown or incomplete option '{args[i]}' (see --help)."),
                };
            }

            return o;
        }
    }
}
