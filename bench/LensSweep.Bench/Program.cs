using System.Reflection;
using LensSweep.Bench;

// Benchmarks are discovered by type, so adding one is adding a file.
var benchmarks = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: lenssweep-bench <name> [options]   (each benchmark takes --help)");
    foreach (var b in benchmarks) Console.WriteLine($"  {b.Name,-14} {b.Description}");
    return args.Length == 0 ? 2 : 0;
}

var chosen = benchmarks.FirstOrDefault(b => b.Name == args[0]);
if (chosen is null)
{
    Console.Error.WriteLine($"unknown benchmark '{args[0]}'; known: {string.Join(", ", benchmarks.Select(b => b.Name))}");
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
return await chosen.RunAsync(args[1..], cts.Token);
