using LensSweep.Grains.Trials;
using LensSweep.Models.Data;
using LensSweep.Models.Export;
using LensSweep.Models.Mae;
using LensSweep.Models.Training;
using static TorchSharp.torch;

namespace LensSweep.Client.Tests;

/// <summary>A run folder as <c>lenssweep run</c> leaves it: trial checkpoints in the artifact store, a leaderboard.</summary>
internal sealed class TrainedRunFolder : IDisposable
{
    public const string Study = "tiny";

    public static readonly MaeConfig Model = new()
    {
        ImageSize = 16, Channels = 1, PatchSize = 8, EmbedDim = 16, Depth = 1, Heads = 2,
        DecoderEmbedDim = 8, DecoderDepth = 1, DecoderHeads = 2, MlpRatio = 2, MaskRatio = 0.5,
    };

    private static readonly OptimizerConfig Optimizer = new() { LearningRate = 1e-3, BatchSize = 4, WarmupEpochs = 0, TotalEpochs = 2 };

    public TrainedRunFolder(bool leaderboard = true)
    {
        Folder = Directory.CreateTempSubdirectory("lenssweep-run-").FullName;
        // Trial 0 ranks second, trial 1 first; trial 2 is ranked but never trained (no checkpoint).
        WriteCheckpoints(trial: 0, seed: 10);
        WriteCheckpoints(trial: 1, seed: 11);
        if (leaderboard)
        {
            File.WriteAllText(Path.Combine(Folder, "leaderboard.json"), $$"""
                { "study_id": "{{Study}}", "metric": "probe_auc", "mode": "max", "parameters": [],
                  "rows": [
                    { "rank": 1, "trial_id": "{{Study}}/1", "score": 0.9, "trial_ids": ["{{Study}}/1"] },
                    { "rank": 2, "trial_id": "{{Study}}/0", "score": 0.8, "trial_ids": ["{{Study}}/0"] },
                    { "rank": 3, "trial_id": "{{Study}}/2", "score": null, "trial_ids": ["{{Study}}/2"] } ],
                  "baselines": { "pixels": {} } }
                """);
        }
    }

    public string Folder { get; }

    public string CheckpointPath(int trial, int epoch) =>
        Path.Combine(Folder, "artifacts", TrialKeys.Checkpoint(Study, trial, epoch, attempt: epoch));

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    /// <summary>Epoch 1 and epoch 2, as a trial promoted once leaves them (each attempt writes its own key).</summary>
    private void WriteCheckpoints(int trial, int seed)
    {
        var random = new Random(seed);
        var images = Enumerable.Range(0, 8 * 16 * 16).Select(_ => (float)random.NextDouble()).ToArray();
        var data = new LensDataset(images, new int[8], 8, 1, 16, 16, ["a"]);
        using var trainer = new MaeTrainer(Model, Optimizer, seed);
        for (var epoch = 1; epoch <= 2; epoch++)
        {
            trainer.Train(data, toEpoch: epoch);
            var path = CheckpointPath(trial, epoch);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var file = File.Create(path);
            trainer.SaveCheckpoint(file);
        }
    }
}

public sealed class ExportCommandTests : IDisposable
{
    private readonly TrainedRunFolder _run = new();
    private readonly string _out = Path.Combine(Path.GetTempPath(), $"lenssweep-export-{Guid.NewGuid():N}");

    public void Dispose()
    {
        _run.Dispose();
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    [Fact]
    public async Task Export_of_an_ijepa_checkpoint_names_its_objective_in_the_config()
    {
        var checkpoint = IjepaCheckpoint.Write(Path.Combine(_out, "in"));

        var (code, output, error) = await CliHarness.RunAsync("export", "--checkpoint", checkpoint, "--out", _out);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "encoder.json")));
        Assert.Equal("ijepa", json.RootElement.GetProperty("objective").GetString());
    }

    [Fact]
    public async Task Export_of_a_study_writes_its_best_trial_s_latest_checkpoint()
    {
        var (code, output, error) = await Export("--study", TrainedRunFolder.Study, "--run", _run.Folder);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Contains("best trial of study tiny: trial tiny/1 at epoch 2", output);
        AssertExportHolds(_run.CheckpointPath(trial: 1, epoch: 2));
    }

    [Fact]
    public async Task Export_of_a_trial_writes_its_latest_checkpoint_without_a_leaderboard()
    {
        using var run = new TrainedRunFolder(leaderboard: false);
        var (code, output, error) = await Export("--trial", "tiny/0", "--run", run.Folder);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Contains("trial tiny/0 at epoch 2", output);
        AssertExportHolds(run.CheckpointPath(trial: 0, epoch: 2));
    }

    [Fact]
    public async Task Export_of_a_checkpoint_file_writes_that_checkpoint()
    {
        var checkpoint = _run.CheckpointPath(trial: 0, epoch: 1);
        var (code, output, error) = await Export("--checkpoint", checkpoint);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        AssertExportHolds(checkpoint);
    }

    [Fact]
    public async Task Export_writes_sample_images_and_their_features()
    {
        var (code, _, error) = await Export("--trial", "tiny/1", "--run", _run.Folder, "--samples", "3");

        Assert.True(code == ExitCodes.Success, error);
        var images = Models.Data.Npy.NpyFile.Read(Path.Combine(_out, EncoderExport.SampleImagesFile));
        var features = Models.Data.Npy.NpyFile.Read(Path.Combine(_out, EncoderExport.SampleFeaturesFile));
        Assert.Equal([3, 1, 16, 16], images.Shape);
        Assert.Equal([3, 4, 16], features.Shape);
        Assert.Contains(images.Data, v => v != 0);
    }

    [Fact]
    public async Task Export_of_a_study_the_folder_does_not_hold_is_bad_input()
    {
        var (code, _, error) = await Export("--study", "other", "--run", _run.Folder);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("study 'other' has no checkpoints", error);
    }

    [Fact]
    public async Task Export_of_a_trial_without_a_checkpoint_is_bad_input()
    {
        var (code, _, error) = await Export("--trial", "tiny/2", "--run", _run.Folder);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("trial tiny/2 has no checkpoint", error);
        Assert.False(File.Exists(Path.Combine(_out, EncoderExport.StateDictFile)));
    }

    [Fact]
    public async Task Export_of_a_study_whose_run_has_no_leaderboard_says_to_name_a_trial()
    {
        using var run = new TrainedRunFolder(leaderboard: false);
        var (code, _, error) = await Export("--study", TrainedRunFolder.Study, "--run", run.Folder);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("has no leaderboard.json", error);
        Assert.Contains("--trial tiny/N", error);
    }

    [Fact]
    public async Task Export_of_a_missing_run_folder_is_bad_input()
    {
        var (code, _, error) = await Export("--trial", "tiny/1", "--run", Path.Combine(_run.Folder, "nowhere"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("does not exist", error);
    }

    [Fact]
    public async Task Export_of_a_missing_checkpoint_file_is_bad_input()
    {
        var (code, _, error) = await Export("--checkpoint", Path.Combine(_run.Folder, "missing.ckpt"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("missing.ckpt' does not exist", error);
    }

    [Fact]
    public async Task Export_of_a_file_that_is_not_a_checkpoint_is_bad_input()
    {
        var junk = Path.Combine(_run.Folder, "junk.ckpt");
        File.WriteAllText(junk, "not a checkpoint");
        var (code, _, error) = await Export("--checkpoint", junk);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("cannot be read", error);
    }

    [Fact]
    public async Task Export_into_a_folder_that_cannot_be_made_is_bad_input()
    {
        // Below a file no folder can be made, even for root (who may write anywhere else).
        var blocked = Path.Combine(_run.Folder, "leaderboard.json", "export");
        var (code, _, error) = await CliHarness.RunAsync("export", "--trial", "tiny/1", "--run", _run.Folder, "--out", blocked);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("cannot write the export", error);
    }

    [Fact]
    public async Task Export_naming_two_encoders_is_a_usage_error()
    {
        var (code, _, error) = await Export("--study", "tiny", "--trial", "tiny/1");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--study and --trial were both given", error);
    }

    [Fact]
    public async Task Export_of_a_checkpoint_file_from_a_cluster_is_a_usage_error()
    {
        var (code, _, error) = await Export("--checkpoint", _run.CheckpointPath(trial: 0, epoch: 1), "--cluster", "127.0.0.1:30000");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--cluster is for --study and --trial", error);
    }

    [Fact]
    public async Task Export_naming_both_a_run_folder_and_a_cluster_is_a_usage_error()
    {
        var (code, _, error) = await Export("--trial", "tiny/1", "--run", _run.Folder, "--cluster", "127.0.0.1:30000");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--run DIR reads a folder, --cluster a running cluster", error);
    }

    [Fact]
    public async Task Cluster_connection_options_without_cluster_are_refused_instead_of_ignored()
    {
        var (code, _, error) = await Export("--trial", "tiny/1", "--run", _run.Folder, "--cluster-id", "other", "--tls");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--cluster-id, --tls say how to reach a cluster, but no --cluster was given", error);
    }

    [Fact]
    public async Task Export_of_a_study_the_cluster_does_not_have_is_refused_as_the_study_commands_refuse_it()
    {
        var (code, _, error) = await Export("--trial", "nope/0", "--cluster", "127.0.0.1:30000");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("no study 'nope' on the cluster at 127.0.0.1:30000", error);
        Assert.Contains("List the studies it holds with 'lenssweep study list'", error);
    }

    [Fact]
    public async Task Export_naming_no_encoder_is_a_usage_error()
    {
        var (code, _, error) = await Export();

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("one of --study ID, --trial STUDY/N or --checkpoint FILE", error);
    }

    [Fact]
    public async Task Export_help_explains_the_files_and_the_python_check()
    {
        var (code, output, _) = await CliHarness.RunAsync("export", "--help");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("facebookresearch/mae", output);
        Assert.Contains("encoder.safetensors", output);
        Assert.Contains("bench/export_check.py", output);
    }

    private Task<(int ExitCode, string Output, string Error)> Export(params string[] args) =>
        CliHarness.RunAsync(["export", .. args, "--out", _out]);

    private void AssertExportHolds(string checkpoint) => ExportAssertions.HoldsCheckpoint(checkpoint, _out);
}

internal static class ExportAssertions
{
    /// <summary>Both files in <paramref name="folder"/> hold exactly the encoder tensors of <paramref name="checkpoint"/>'s
    /// model, and its configuration is written beside them.</summary>
    public static void HoldsCheckpoint(string checkpoint, string folder)
    {
        using var trained = TrainedEncoder.Load(checkpoint);
        var expected = EncoderExport.StateDict(trained.Model);
        foreach (var file in new[] { EncoderExport.StateDictFile, EncoderExport.SafetensorsFile })
        {
            var read = EncoderExport.Read(Path.Combine(folder, file));
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal));
            foreach (var (name, tensor) in expected)
            {
                using var same = tensor.eq(read[name]).all();
                Assert.True(tensor.shape.SequenceEqual(read[name].shape) && same.item<bool>(), $"{file}: {name} differs from the checkpoint's");
            }
        }

        Assert.True(File.Exists(Path.Combine(folder, EncoderExport.ConfigFile)));
    }
}
