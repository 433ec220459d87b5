using LensSweep.Grains.Hosting;
using LensSweep.Silo.Hosting;

// The silo host with the study engine and the TorchSharp trainer on this machine's device slots.
if (args is ["--help"] or ["-h"])
{
    Console.Out.Write(SiloConfiguration.Usage());
    return 0;
}
if (args is [GrainStateMigrationCommand.Verb, .. var migrationArgs])
    return await GrainStateMigrationCommand.RunAsync(migrationArgs, Console.Out, Console.Error);
try
{
    await using var app = await SiloApp.CreateAsync(args, silo => silo.AddLensSweepTorchTrainer());
    await app.RunAsync();
    return 0;
}
catch (SiloStartupException e)
{
    foreach (var problem in e.Problems)
        Console.Error.WriteLine($"lenssweep-silo: {problem}");
    return 2;
}
catch (Exception e)
{
    // Already logged in full by the host; the operator gets the reason on one line.
    Console.Error.WriteLine($"lenssweep-silo: {e.GetBaseException().Message}");
    return 1;
}
