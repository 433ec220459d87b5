using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Specs;

namespace LensSweep.Bench;

/// <summary>
/// Coordinator throughput: a large ASHA study with an instant trainer on one silo, with in-memory state
/// and with durable local-folder state, each beside Optuna 3.1 measured in the same run, alternating
/// (shared/bench/optuna_reference.py: a SuccessiveHalvingPruner and 4 intermediate reports; in-memory with
/// one sampled parameter, SQLite without). Goals: in-memory ≥ 1× Optuna in-memory, durable ≥ 10× Optuna
/// SQLite. Without python3-optuna the figures are compared with the ones stored in shared/bench/README.md,
/// and the output says so (a stored figure was off by half once: 55 trials/s stored, 24.7 measured).
/// </summary>
public sealed class OrchestrationThroughputBenchmark : IBenchmark
{
    private const double OptunaMemorySampled = 100;
    private const double OptunaSqlite = 55;

    public string Name => "orchestration";

    public string Description => "trials/s and decision latency of a 10,000-trial ASHA study, instant trainer, one silo (memory and durable state)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Contains("--help"))
        {
            Console.WriteLine("lenssweep-bench orchestration [--trials 10000] [--slots 16] [--rounds 1] [--storage both|memory|durable]");
            Console.WriteLine("                              [--optuna-trials 1000] [--no-python]");
            Console.WriteLine($"Each round runs LensSweep then Optuna ({PythonReference.Python} optuna_reference.py) per storage, alternating;");
            Console.WriteLine("without python3-optuna the ratios use the figures stored in shared/bench/README.md, and say so.");
            return 0;
        }

        var trials = IntArg(args, "--trials", 10_000);
        var slots = IntArg(args, "--slots", 16);
        var rounds = IntArg(args, "--rounds", 1);
        var optunaTrials = IntArg(args, "--optuna-trials", 1000);
        var whyNot = "--no-python";
        var optunaScript = args.Contains("--no-python") ? null : FindOptunaReference(out whyNot);
        Console.WriteLine(optunaScript is null
            ? $"Optuna: not measured ({whyNot}); ratios use the figures stored in shared/bench/README.md"
            : $"Optuna: measured in the same run, {optunaTrials} trials per round ({optunaScript})");
        var storages = Arg(args, "--storage", "both") switch
        {
            "memory" => new[] { OrchestrationStorage.Memory },
            "durable" => [OrchestrationStorage.Durable],
            "both" => [OrchestrationStorage.Memory, OrchestrationStorage.Durable],
            var other => throw new ArgumentException($"--storage {other}: use memory, durable or both."),
        };

        // Four rungs (1, 3, 9, 27 epochs), like the reference's four intermediate reports.
        var scheduler = new SchedulerOptions { Kind = SchedulerKind.Asha, MinEpochs = 1, MaxEpochs = 27, Eta = 3 };
        Console.WriteLine($"orchestration: {trials} trials, ASHA r=1 R=27 eta=3, {slots} slots on one silo, instant trainer, checkpoint per rung, {rounds} round(s)");
        var results = storages.ToDictionary(s => s, _ => new List<(double TrialsPerSecond, double P50, double P99, double Batch)>());
        var optuna = storages.ToDictionary(s => s, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            // Alternate A B A B: the machines are shared and noisy.
            foreach (var storage in storages)
            {
                using var latencies = new DecisionLatencies();
                await using var host = await OrchestrationHost.StartAsync(storage, slots, checkpointEveryEpoch: false, _ => new InstantTrainer());
                var plan = OrchestrationHost.Plan($"throughput-{round}", trials, scheduler, maxConcurrent: slots);
                var elapsed = await host.RunAsync(plan, cancellationToken);
                var result = (trials / elapsed.TotalSeconds, latencies.Percentile(50), latencies.Percentile(99), latencies.MeanBatch);
                results[storage].Add(result);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  round {round + 1} {storage,-7}: {elapsed.TotalSeconds,7:F2} s  {result.Item1,8:F0} trials/s  decision latency p50 {result.Item2:F2} ms p99 {result.Item3:F2} ms  ({latencies.Count} reports, {result.Item4:F1} per batch)"));
                if (optunaScript is not null && RunOptuna(optunaScript, storage, optunaTrials) is { } measured)
                {
                    optuna[storage].Add(measured);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  round {round + 1} {storage,-7}: Optuna {OptunaName(storage)} {measured,8:F1} trials/s"));
                }
            }
        }

        foreach (var (storage, list) in results)
        {
            var median = (TrialsPerSecond: MaeBenchmark.Median(list.Select(r => r.TrialsPerSecond)), P50: MaeBenchmark.Median(list.Select(r => r.P50)), P99: MaeBenchmark.Median(list.Select(r => r.P99)));
            var goal = storage == OrchestrationStorage.Memory ? 1.0 : 10.0;
            var (reference, source) = optuna[storage].Count > 0
                ? (MaeBenchmark.Median(optuna[storage]), $"median of {optuna[storage].Count} measured in this run")
                : (storage == OrchestrationStorage.Memory ? OptunaMemorySampled : OptunaSqlite, "STORED figure, not measured here");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{storage,-7}: median {median.TrialsPerSecond:F0} trials/s, p50 {median.P50:F2} ms, p99 {median.P99:F2} ms; {median.TrialsPerSecond / reference:F1}x Optuna {OptunaName(storage)} ({reference:F1} trials/s, {source}); goal >= {goal}x: {(median.TrialsPerSecond / reference >= goal ? "met" : "NOT met")}"));
        }

        return 0;
    }

    private static string OptunaName(OrchestrationStorage storage) =>
        storage == OrchestrationStorage.Memory ? "in-memory, 1 sampled parameter" : "SQLite";

    /// <summary>One Optuna study of the reference script; its trials/s, or null (said) when it failed.</summary>
    private static double? RunOptuna(string script, OrchestrationStorage storage, int trials)
    {
        var start = PythonReference.StartInfo(script);
        start.ArgumentList.Add("--storage");
        start.ArgumentList.Add(storage == OrchestrationStorage.Memory ? "memory" : "sqlite");
        start.ArgumentList.Add("--trials");
        start.ArgumentList.Add(trials.ToString(CultureInfo.InvariantCulture));
        if (storage == OrchestrationStorage.Memory)
        {
            start.ArgumentList.Add("--param");
        }

        return PythonReference.Run(start, "Optuna reference")?.GetProperty("trials_per_s").GetDouble();
    }

    /// <summary>shared/bench/optuna_reference.py beside the repository, when the interpreter imports optuna.</summary>
    private static string? FindOptunaReference(out string whyNot)
    {
        var script = PythonReference.FindShared("optuna_reference.py");
        whyNot = script is null ? "shared/bench/optuna_reference.py not found"
            : !File.Exists(PythonReference.Python) ? $"no {PythonReference.Python}"
            : "python3-optuna is not installed: apt-get install -y python3-optuna";
        return script is not null && PythonReference.Has("optuna") ? script : null;
    }

    internal static int IntArg(string[] args, string name, int fallback) =>
        Arg(args, name, null) is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : throw new ArgumentException($"{name} {text}: expected a positive whole number.")
            : fallback;

    internal static string? Arg(string[] args, string name, string? fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }
}
