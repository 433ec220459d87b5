using System.Diagnostics;
using LensSweep.Models.Simulation;

namespace LensSweep.Bench;

/// <summary>
/// Simulator throughput on the default DeepLense Model II configuration (64×64, one band), per class and
/// overall, on one thread and on all cores. No reference exists for this one: the figure to watch is
/// images/s against the "thousands per second on 2 cores" goal, and the all-cores/1-thread ratio.
/// </summary>
public sealed class SimulatorBenchmark : IBenchmark
{
    public string Name => "simulator";

    public string Description => "lensing simulator images/s, Model II 64x64, 1 thread vs all cores [--images N] [--rounds R]";

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine("lenssweep-bench simulator [--images N (per class, default 2000)] [--rounds R (default 3)]");
            return Task.FromResult(0);
        }

        var imagesPerClass = IntArg(args, "--images", 2000);
        var rounds = IntArg(args, "--rounds", 3);
        var simulator = new LensSimulator(SimulatorOptions.ModelII);
        simulator.Generate(50, seed: 1);  // JIT and page-in before timing

        Console.WriteLine($"simulator: Model II {simulator.Options.ImageSize}x{simulator.Options.ImageSize}, {imagesPerClass} images/class, {Environment.ProcessorCount} cores, median of {rounds}");
        foreach (var cls in LensClasses.All)
        {
            var rate = Median(rounds, () => Rate(simulator, imagesPerClass, [cls], 1, cancellationToken));
            Console.WriteLine($"  {cls,-8} 1 thread    {rate,10:N0} img/s");
        }

        var single = Median(rounds, () => Rate(simulator, imagesPerClass, LensClasses.All, 1, cancellationToken));
        var all = Median(rounds, () => Rate(simulator, imagesPerClass, LensClasses.All, -1, cancellationToken));
        Console.WriteLine($"  all classes 1 thread    {single,10:N0} img/s");
        Console.WriteLine($"  all classes {Environment.ProcessorCount} threads   {all,10:N0} img/s  ({all / single:F2}x)");
        return Task.FromResult(0);
    }

    private static double Rate(LensSimulator simulator, int imagesPerClass, IReadOnlyList<string> classes, int threads, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var data = simulator.Generate(imagesPerClass, seed: 7, classes, threads, ct);
        return data.Count / clock.Elapsed.TotalSeconds;
    }

    private static double Median(int rounds, Func<double> measure)
    {
        var values = Enumerable.Range(0, Math.Max(1, rounds)).Select(_ => measure()).Order().ToArray();
        return values[values.Length / 2];
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) && value > 0 ? value : fallback;
    }
}
