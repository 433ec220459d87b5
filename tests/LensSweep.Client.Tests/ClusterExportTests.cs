using LensSweep.Client.Engine;
using LensSweep.Grains.Hosting;
using LensSweep.Grains.Trials;
using LensSweep.Models.Export;
using LensSweep.Models.Training;

namespace LensSweep.Client.Tests;

/// <summary>A silo that has finished the tiny study <see cref="Study"/>; shared by the tests, which only read it.</summary>
public sealed class FinishedStudySilo : IAsyncLifetime
{
    public const string Study = "tinyc";

    // Mask 0.5 (trial 0) scores below mask 0.6 (trial 1); mask 0.75 (trial 2) fails before it stores a checkpoint.
    private const string Spec = """
        { "name": "tinyc", "seed": 1, "max_concurrent_trials": 1,
          "dataset": { "kind": "simulated", "images_per_class": 8, "image_size": 16 },
          "search_space": { "mask_ratio": [0.5, 0.6, 0.75], "patch_size": 8, "embed_dim": 16, "depth": 1, "heads": 2,
                            "decoder_dim": 8, "decoder_depth": 1, "decoder_heads": 2, "batch_size": 4, "warmup_epochs": 0 },
          "search": { "kind": "grid" },
          "scheduler": { "kind": "none", "max_epochs": 2, "metric": "probe_auc" } }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-cluster-export-").FullName;
    private TestSilo? _silo;

    /// <summary>Four KiB per grain call: far smaller than a checkpoint, so several calls carry each one.</summary>
    public CliServices Services { get; } = new() { Cluster = new OrleansClusterConnector(chunkBytes: 4096) };

    public string Gateway => _silo!.Gateway.ToString();

    public async Task InitializeAsync()
    {
        _silo = await TestSilo.StartAsync(folder: Path.Combine(_folder, "silo"), addTrainer: silo => silo.AddLensSweepTrainer<CheckpointTrainer>());
        var spec = Path.Combine(_folder, "tinyc.json");
        await File.WriteAllTextAsync(spec, Spec);
        var (code, output, error) = await CliHarness.RunAsync(Services, "study", "start", spec, "--watch", "--cluster", Gateway);
        Assert.True(code == ExitCodes.Success, $"the study did not finish: exit {code}\n{output}\n{error}");
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The trial's checkpoint as the silo stored it, read from the silo's own folder (not through the cluster).</summary>
    public async Task<string> CheckpointOnDiskAsync(int trial)
    {
        var info = await _silo!.Grains.GetGrain<ITrialGrain>(TrialKeys.GrainKey(Study, trial)).GetInfoAsync();
        Assert.NotNull(info.CheckpointKey);
        var path = Path.Combine(_folder, "silo", EngineStorage.LocalArtifactsFolder, info.CheckpointKey);
        Assert.True(new FileInfo(path).Length > 3 * 4096, "the checkpoint fits one chunk, so chunking is not exercised");
        return path;
    }
}

/// <summary>
/// <c>export --cluster</c> on a real silo that finished a tiny study with real checkpoints: the console fetches
/// the checkpoint through the trial grain, chunk by chunk, with no access to the silo's storage.
/// </summary>
public sealed class ClusterExportTests(FinishedStudySilo cluster) : IClassFixture<FinishedStudySilo>, IDisposable
{
    private const string Study = FinishedStudySilo.Study;

    private readonly string _out = Path.Combine(Path.GetTempPath(), $"lenssweep-export-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    [Fact]
    public async Task Export_of_a_study_on_a_cluster_writes_the_best_scored_trial_s_checkpoint()
    {
        var (code, output, error) = await Export("--study", Study);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Contains($"best trial of study {Study}: trial {Study}/1 at epoch 2", output);
        AssertExportHolds(await cluster.CheckpointOnDiskAsync(trial: 1));
    }

    [Fact]
    public async Task Export_of_a_trial_on_a_cluster_writes_its_latest_checkpoint()
    {
        var (code, output, error) = await Export("--trial", $"{Study}/0");

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Contains($"trial {Study}/0 at epoch 2", output);
        AssertExportHolds(await cluster.CheckpointOnDiskAsync(trial: 0));
    }

    [Fact]
    public async Task Export_of_a_study_the_cluster_does_not_have_is_refused_in_one_line()
    {
        var (code, _, error) = await Export("--study", "nosuch");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Single(error.Split('\n'), line => line.StartsWith("lenssweep: ", StringComparison.Ordinal) && line.Contains("no study 'nosuch' on the cluster at", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task Export_of_a_trial_without_a_checkpoint_on_a_cluster_is_refused_in_one_line()
    {
        var (code, _, error) = await Export("--trial", $"{Study}/2");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Single(error.Split('\n'), line => line.StartsWith("lenssweep: ", StringComparison.Ordinal) && line.Contains($"trial {Study}/2 has no checkpoint on the cluster", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(_out, EncoderExport.StateDictFile)));
    }

    [Fact]
    public async Task Export_of_a_trial_number_the_study_does_not_have_is_refused_in_one_line()
    {
        var (code, _, error) = await Export("--trial", $"{Study}/7");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Single(error.Split('\n'), line => line.StartsWith("lenssweep: ", StringComparison.Ordinal) && line.Contains("has no trial 7", StringComparison.Ordinal));
    }

    private Task<(int ExitCode, string Output, string Error)> Export(params string[] args) =>
        CliHarness.RunAsync(cluster.Services, ["export", .. args, "--cluster", cluster.Gateway, "--out", _out, "--samples", "0"]);

    private void AssertExportHolds(string checkpoint) => ExportAssertions.HoldsCheckpoint(checkpoint, _out);
}
