using LensSweep.Bench;
using System.Text.Json;
using LensSweep.Models.Data;
using LensSweep.Models.Evaluation;
using LensSweep.Models.Probing;
using LensSweep.Models.Simulation;

namespace LensSweep.Models.Tests.Evaluation;

/// <summary>
/// A seconds-long version of `lenssweep-bench pretraincheck`: LensSweep pretrains a tiny MAE for one epoch and
/// writes its inputs (<see cref="PretrainingInputs"/>), and bench/reference/pretrain_reference.py pretrains
/// ../shared/bench/mae_reference.py's PyTorch MAE at the same configuration on the same images and scores it the
/// same way. Too small for the scores to say anything; it checks that the two build the same network and report
/// the same evaluations. Skips, saying why, without Debian's python3-numpy and -torch or mae_reference.py.
/// </summary>
public sealed class PretrainCrossCheckTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-pretraincheck-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableFact]
    public void The_pytorch_reference_builds_the_same_network_and_reports_the_same_scores_before_and_after_pretraining()
    {
        var unavailable = PythonReference.Unavailable("numpy, torch");
        Skip.If(unavailable is not null, unavailable);
        Skip.If(PythonReference.FindShared("mae_reference.py") is null, "shared/bench/mae_reference.py is not beside this checkout");
        var data = new LensSimulator(SimulatorOptions.VariedMacroLens with { ImageSize = 32 }).Generate(12, seed: 3);
        ImageNormalizer.Apply(data);
        var split = DataSplitter.Split(data, 0.25, 0.25, seed: 3);
        var settings = new EvaluationSettings { Probe = new ProbeConfig { Iterations = 20 }, BootstrapResamples = 10 };

        var ours = PretrainingInputs.Write(_folder, split, split.Train, TinyModels.Config, TinyModels.Optimizer, epochs: 1, seeds: [0], settings);
        var run = PythonReference.Execute(PythonReference.StartInfo(PythonReference.FindScript("pretrain_reference.py")!, _folder, "--threads", "1", "--json"));
        Assert.True(run.ExitCode == 0, run.Failure("pretrain_reference.py"));
        var reference = PythonReference.LastJson(run.Stdout)!.Value;

        using var inputs = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, EvaluationInputs.InputsFile)));
        Assert.Equal(inputs.RootElement.GetProperty("parameters").GetInt64(), reference.GetProperty("parameters").GetInt64());
        var pytorch = reference.GetProperty("pytorch");
        foreach (var metric in new[] { EvaluationMetrics.R2Macro, EvaluationMetrics.ProbeAuc })
        {
            Assert.True(ours.Gain.ContainsKey(metric), $"LensSweep has no {metric} gain");
            Assert.True(pytorch.GetProperty("random_init").TryGetProperty(metric, out _), $"PyTorch has no random-init {metric}");
            Assert.True(pytorch.GetProperty("pretrained").TryGetProperty(metric, out _), $"PyTorch has no pretrained {metric}");
            Assert.Equal(3, pytorch.GetProperty("gain").GetProperty(metric).GetArrayLength());
        }
    }
}
