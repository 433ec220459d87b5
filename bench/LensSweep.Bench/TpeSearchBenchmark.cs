using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Search;
using LensSweep.Grains.Specs;

namespace LensSweep.Bench;

/// <summary>
/// Search efficiency: trial-epochs until a trial trained to R comes within ε of a known optimum, on a
/// synthetic surface with a learning curve per configuration, for random + ASHA and TPE + ASHA through the
/// pure <see cref="AshaScheduler"/> (one slot, no cluster), beside Optuna 3.1's TPESampler +
/// SuccessiveHalvingPruner on the same surface (bench/reference/tpe_reference.py) when python3-optuna is
/// installed. Goal (issue 13): TPE + ASHA needs no more than Optuna and clearly fewer than random + ASHA.
/// </summary>
public sealed class TpeSearchBenchmark : IBenchmark
{
    private static readonly AshaOptions Asha = new(MinEpochs: 1, MaxEpochs: SyntheticSurface.MaxEpochs, Eta: 3);

    public string Name => "tpe";

    public string Description => "trial-epochs to within eps of a known optimum: random+ASHA, TPE+ASHA, Optuna TPE+SuccessiveHalving";

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Contains("--help"))
        {
            Console.WriteLine("lenssweep-bench tpe [--seeds 30] [--trials 200] [--eps 0.05] [--startup 10] [--no-python]");
            Console.WriteLine("Surface: mask_ratio in [0.05, 0.95], learning_rate log in [1e-5, 1e-1], depth in 1..8;");
            Console.WriteLine("optimum 0 at (0.7, 1e-3, 5); ASHA r=1 R=27 eta=3; one trial at a time. A seed that never");
            Console.WriteLine("gets within eps in --trials trials counts as the epochs it spent (a floor, marked).");
            return Task.FromResult(0);
        }

        int seeds = OrchestrationThroughputBenchmark.IntArg(args, "--seeds", 30);
        int trials = OrchestrationThroughputBenchmark.IntArg(args, "--trials", 200);
        int startup = OrchestrationThroughputBenchmark.IntArg(args, "--startup", 10);
        double eps = double.Parse(OrchestrationThroughputBenchmark.Arg(args, "--eps", "0.05")!, CultureInfo.InvariantCulture);
        Console.WriteLine(F($"tpe: {seeds} seeds, up to {trials} trials each, eps {eps}, ASHA r=1 R={SyntheticSurface.MaxEpochs} eta=3, TPE start-up {startup}"));

        var random = new List<Outcome>();
        var tpe = new List<Outcome>();
        for (int seed = 0; seed < seeds; seed++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var configurations = SyntheticSurface.Space.Expand(new SearchOptions { Kind = SearchKind.Random, Count = trials }, seed);
            random.Add(RunStudy(new ExpandedProposer(configurations), eps));
            tpe.Add(RunStudy(new TpeProposer(new TpeSampler(SyntheticSurface.Space, new TpeOptions(startup), MetricMode.Max, seed), trials), eps));
        }

        Report("random + ASHA", random);
        Report("TPE + ASHA   ", tpe);
        var optuna = args.Contains("--no-python") ? null : RunOptuna(seeds, trials, eps, startup);
        if (optuna is not null)
        {
            Report("Optuna TPE+SH", optuna);
        }

        double ours = MedianEpochs(tpe);
        Console.WriteLine(F($"ratio random+ASHA / TPE+ASHA: {MedianEpochs(random) / ours:F2}x (goal: clearly above 1)"));
        Console.WriteLine(optuna is null
            ? $"Optuna: not run (needs {PythonReference.Python} with python3-optuna; see bench/reference/tpe_reference.py)"
            : F($"ratio Optuna / TPE+ASHA: {MedianEpochs(optuna) / ours:F2}x (goal: at least 1)"));
        return Task.FromResult(0);
    }

    /// <summary>One slot: each decision runs to its rung at once; a new trial asks the proposer for its configuration.</summary>
    private static Outcome RunStudy(ITrialProposer proposer, double eps)
    {
        var scheduler = new AshaScheduler(Asha, proposer.Count);
        var configs = new Dictionary<int, TrialConfig>();
        var scores = new Dictionary<int, List<double>>();
        long epochs = 0;
        for (var decision = scheduler.Next(); decision is SchedulerDecision.Run run; decision = scheduler.Next())
        {
            if (!configs.TryGetValue(run.Trial, out var config))
            {
                config = proposer.Propose(run.Trial, [.. scores.Select(s => new TrialResult(s.Key, configs[s.Key], s.Value))]);
                configs[run.Trial] = config;
                scores[run.Trial] = [];
            }

            epochs += run.ToEpoch - run.FromEpoch;
            double score = SyntheticSurface.Score(config, run.ToEpoch);
            scheduler.Report(run.Trial, run.Rung, score);
            scores[run.Trial].Add(score);
            if (run.ToEpoch == SyntheticSurface.MaxEpochs && score >= -eps)
            {
                return new Outcome(epochs, Reached: true);
            }
        }

        return new Outcome(epochs, Reached: false);
    }

    private static List<Outcome>? RunOptuna(int seeds, int trials, double eps, int startup)
    {
        var script = PythonReference.FindScript("tpe_reference.py");
        if (script is null || !File.Exists(PythonReference.Python))
        {
            return null;
        }

        var start = PythonReference.StartInfo(script, "--seeds", Text(seeds), "--trials", Text(trials), "--eps", eps.ToString(CultureInfo.InvariantCulture), "--startup", Text(startup));
        if (PythonReference.Run(start, "Optuna reference") is not { } json)
        {
            return null;
        }

        return [.. json.GetProperty("epochs").EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.Null ? new Outcome(long.MaxValue, false) : new Outcome(e.GetInt64(), true))];
    }

    private static void Report(string name, List<Outcome> outcomes)
    {
        var reached = outcomes.Count(o => o.Reached);
        var sorted = outcomes.Where(o => o.Reached).Select(o => (double)o.Epochs).Order().ToArray();
        string quartiles = sorted.Length == 0 ? "-" : F($"{sorted[sorted.Length / 4]:F0}..{sorted[3 * sorted.Length / 4]:F0}");
        Console.WriteLine(F($"{name}: median {MedianEpochs(outcomes):F0} trial-epochs (quartiles of those that reached it {quartiles}); within eps in {reached}/{outcomes.Count} seeds"));
    }

    /// <summary>The median over seeds, a seed that never got within ε counting as the most epochs (so the median is a floor for it).</summary>
    private static double MedianEpochs(List<Outcome> outcomes) =>
        MaeBenchmark.Median(outcomes.Select(o => o.Reached ? o.Epochs : (double)long.MaxValue / 2));

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Outcome(long Epochs, bool Reached);
}

/// <summary>
/// A known optimum with fidelity: the final score is 0 at mask_ratio 0.7, learning_rate 1e-3, depth 5 and
/// falls quadratically (in log10 for the learning rate); after e epochs a trial scores its final score less
/// 0.5·exp(−e / (2 + depth/2)), so deeper models start worse and learn slower (low rungs mislead a little).
/// Keep identical to bench/reference/tpe_reference.py.
/// </summary>
internal static class SyntheticSurface
{
    public const int MaxEpochs = 27;

    public static readonly SearchSpace Space = new()
    {
        MaskRatio = ParameterDomain.Between<double>(0.05, 0.95),
        LearningRate = ParameterDomain.Between<double>(1e-5, 1e-1, RangeScale.Log),
        Depth = ParameterDomain.Between<int>(1, 8),
    };

    public static double Final(TrialConfig c) =>
        -((Math.Pow(c.MaskRatio - 0.7, 2) / 0.1) + (Math.Pow(Math.Log10(c.LearningRate) + 3, 2) / 4) + (Math.Pow(c.Depth - 5, 2) / 16));

    public static double Score(TrialConfig c, int epoch) => Final(c) - (0.5 * Math.Exp(-epoch / (2 + (c.Depth / 2.0))));
}
