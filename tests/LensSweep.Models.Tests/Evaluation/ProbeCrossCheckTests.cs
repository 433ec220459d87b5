using LensSweep.Bench;
using LensSweep.Models.Data;
using LensSweep.Models.Evaluation;
using LensSweep.Models.Mae;
using LensSweep.Models.Probing;
using LensSweep.Models.Simulation;

namespace LensSweep.Models.Tests.Evaluation;

/// <summary>
/// LensSweep's probes against the same probes fitted outside it (bench/reference/probe_reference.py, Debian's
/// python3-numpy, -sklearn and -torch) on the features and targets it wrote. Tolerances: ridge R² within 1e-4 of
/// scikit-learn's Ridge with an intercept (both solve the same float64 problem), for every truth, those only some
/// images have (the axion mass) included; the linear probe's AUC within 0.01 of the same
/// Adam recipe in PyTorch (float32, same steps). Skips, saying why, where python3 or those packages are absent.
/// </summary>
public sealed class ProbeCrossCheckTests : IDisposable
{
    private const double RidgeTolerance = 1e-4;
    private const double ProbeAucTolerance = 0.01;

    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-crosscheck-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableFact]
    public void Ridge_r2_and_probe_auc_agree_with_scikit_learn_and_pytorch_on_the_features_lenssweep_wrote()
    {
        var unavailable = PythonReference.Unavailable("numpy, sklearn, torch");
        Skip.If(unavailable is not null, unavailable);
        var data = new LensSimulator(SimulatorOptions.VariedMacroLens with { ImageSize = 32 }).Generate(20, seed: 5);
        ImageNormalizer.Apply(data);
        using var model = new MaeModel(TinyModels.Config, seed: 1);
        var settings = new EvaluationSettings { Probe = new ProbeConfig { Iterations = 200 }, BootstrapResamples = 10 };

        EvaluationInputs.Write(_folder, model, DataSplitter.Split(data, 0.25, 0.25, seed: 5), settings);
        var run = PythonReference.Execute(PythonReference.StartInfo(PythonReference.FindScript("probe_reference.py")!, _folder));
        Assert.True(run.ExitCode == 0, run.Failure("probe_reference.py"));
        var reference = PythonReference.LastJson(run.Stdout)!.Value;

        var ours = reference.GetProperty("lenssweep");
        var sklearn = reference.GetProperty("sklearn");
        var r2 = ours.EnumerateObject().Select(m => m.Name).Where(m => m.StartsWith("r2_", StringComparison.Ordinal)).ToList();
        Assert.Contains(EvaluationMetrics.R2Macro, r2);
        Assert.Contains(EvaluationMetrics.R2Of(LensTruths.AxionMass), r2);
        foreach (var metric in r2)
        {
            Assert.True(Math.Abs(ours.GetProperty(metric).GetDouble() - sklearn.GetProperty(metric).GetDouble()) < RidgeTolerance,
                $"{metric}: LensSweep {ours.GetProperty(metric).GetDouble()}, scikit-learn {sklearn.GetProperty(metric).GetDouble()}");
        }

        var auc = (Ours: ours.GetProperty(EvaluationMetrics.ProbeAuc).GetDouble(), Torch: reference.GetProperty("torch").GetProperty(EvaluationMetrics.ProbeAuc).GetDouble());
        Assert.True(Math.Abs(auc.Ours - auc.Torch) < ProbeAucTolerance, $"probe_auc: LensSweep {auc.Ours}, PyTorch {auc.Torch}");
    }
}
