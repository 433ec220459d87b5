return await LensSweep.Client.Cli.RunAsync(args);
