using System.Globalization;
using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Specs;

namespace LensSweep.Bench;

/// <summary>
/// Coordinator throughput: a large ASHA study with an instant trainer on one silo, with in-memory state
/// and with durable local-folder state. References (shared/bench/README.md, Optuna 3.1 with a
/// SuccessiveHalvingPruner and 4 intermediate reports): in-memory ≈ 100 trials/s with a sampled
/// parameter; SQLite ≈ 55 trials/s. Goals: in-memory ≥ 1× the former, durable ≥ 10× the latter.
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
            return 0;
        }

        var trials = IntArg(args, "--trials", 10_000);
        var slots = IntArg(args, "--slots", 16);
        var rounds = IntArg(args, "--rounds", 1);
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
            }
        }

        foreach (var (storage, list) in results)
        {
            var median = (TrialsPerSecond: Median(list.Select(r => r.TrialsPerSecond)), P50: Median(list.Select(r => r.P50)), P99: Median(list.Select(r => r.P99)));
            var (reference, name, goal) = storage == OrchestrationStorage.Memory
                ? (OptunaMemorySampled, "Optuna in-memory, 1 sampled parameter", 1.0)
                : (OptunaSqlite, "Optuna SQLite", 10.0);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{storage,-7}: median {median.TrialsPerSecond:F0} trials/s, p50 {median.P50:F2} ms, p99 {median.P99:F2} ms; {median.TrialsPerSecond / reference:F1}x {name} ({reference} trials/s); goal >= {goal}x: {(median.TrialsPerSecond / reference >= goal ? "met" : "NOT met")}"));
        }

        return 0;
    }

    /// <summary>The middle value, or the mean of the middle two.</summary>
    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
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
