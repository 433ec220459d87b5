using System.Text.Json;
using LensSweep.Client.Commands;
using LensSweep.Client.Datasets;
using SkiaSharp;

namespace LensSweep.Client.Tests;

public sealed class FinetuneCommandTests : IDisposable
{
    private readonly TrainedRunFolder _run = new();
    private readonly string _out = Path.Combine(Path.GetTempPath(), $"lenssweep-finetune-{Guid.NewGuid():N}");

    public void Dispose()
    {
        _run.Dispose();
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    /// <summary>The tiny encoder of <see cref="TrainedRunFolder"/> (16×16) on 8 simulated lenses per class, one epoch per phase.</summary>
    private Task<(int ExitCode, string Output, string Error)> Finetune(string task, string folder, params string[] more) =>
        CliHarness.RunAsync([
            "finetune", task, "--study", TrainedRunFolder.Study, "--run", _run.Folder, "--out", folder,
            "--images-per-class", "8", "--probe-epochs", "1", "--finetune-epochs", "1", "--batch-size", "8", "--region-grid", "2", "--threads", "1", .. more]);

    /// <summary>The same encoder and data for a super-resolution (which pools nothing, so takes no --region-grid).</summary>
    private Task<(int ExitCode, string Output, string Error)> Superres(string folder, params string[] more) =>
        CliHarness.RunAsync([
            "finetune", "superres", "--study", TrainedRunFolder.Study, "--run", _run.Folder, "--out", folder,
            "--images-per-class", "6", "--probe-epochs", "1", "--finetune-epochs", "1", "--batch-size", "8", "--threads", "1", .. more]);

    private static JsonElement Results(string folder) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, DownstreamOptions.ResultsFile))).RootElement;

    [Theory]
    [InlineData("classify", "macro_auc", "accuracy")]
    [InlineData("regress", "r2", "mae")]
    [InlineData("superres", "psnr", "ssim")]
    public async Task Results_name_every_score_by_its_metric_key_and_the_margins_by_the_first(string task, string first, string second)
    {
        var (code, output, error) = task switch
        {
            "superres" => await Superres(_out),
            "regress" => await Finetune(task, _out, "--macro-lens", "varied"),
            _ => await Finetune(task, _out),
        };

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        var results = Results(_out);
        Assert.All(results.GetProperty("contenders").EnumerateArray(), c =>
        {
            Assert.Equal([first, second], c.GetProperty("validation").EnumerateObject().Select(p => p.Name));
            Assert.Equal([first, second], c.GetProperty("test").EnumerateObject().Select(p => p.Name));
        });
        Assert.All(results.GetProperty("margins").EnumerateArray(), m => Assert.Equal(first, m.GetProperty("metric").GetString()));
    }

    [Fact]
    public async Task Classify_reports_all_three_contenders_and_draws_their_roc_curves()
    {
        var (code, output, error) = await Finetune("classify", _out, "--tta");

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        var names = Results(_out).GetProperty("contenders").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Equal(["pretrained", "random_init", "supervised_cnn"], names);
        using var bitmap = SKBitmap.Decode(Path.Combine(_out, FinetuneCommand.RocFile));
        Assert.NotNull(bitmap);
    }

    [Fact]
    public async Task The_margin_over_random_init_is_printed_with_its_paired_interval()
    {
        var (code, output, error) = await Finetune("classify", _out);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Matches(@"Pretrained minus random init: [+-]?[0-9.]+ \[[+-]?[0-9.]+, [+-]?[0-9.]+\] test macro AUC \(paired 95% bootstrap interval\)\.", output);
    }

    [Fact]
    public async Task A_rerun_with_the_same_options_continues_from_the_checkpoints_and_reports_the_same()
    {
        await Finetune("classify", _out);
        var first = File.ReadAllText(Path.Combine(_out, DownstreamOptions.ResultsFile));

        var (code, output, _) = await Finetune("classify", _out);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("already trained", output);
        Assert.Equal(first, File.ReadAllText(Path.Combine(_out, DownstreamOptions.ResultsFile)));
    }

    [Fact]
    public async Task Two_runs_with_the_same_seed_write_the_same_results()
    {
        var other = _out + "-again";
        try
        {
            await Finetune("classify", _out);
            await Finetune("classify", other);

            Assert.Equal(File.ReadAllText(Path.Combine(_out, DownstreamOptions.ResultsFile)), File.ReadAllText(Path.Combine(other, DownstreamOptions.ResultsFile)));
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public async Task A_rerun_with_other_options_in_the_same_folder_is_refused()
    {
        await Finetune("classify", _out);

        var (code, _, error) = await Finetune("classify", _out, "--seed", "3");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("holds a run with other settings", error);
    }

    [Fact]
    public async Task Classify_on_data_of_one_class_is_refused_before_training()
    {
        var data = _out + "-data";
        try
        {
            DatasetSimulation.Write(data, 6, ["no_sub"], 16, 0, CancellationToken.None);

            var (code, output, error) = await Finetune("classify", _out, "--data", data);

            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Contains("there is nothing to classify", error);
            Assert.DoesNotContain("Training", output);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Regress_reports_r_squared_and_draws_predicted_against_true()
    {
        var (code, output, error) = await Finetune("regress", _out, "--macro-lens", "varied", "--target", "theta_e");

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Contains("R²", output);
        Assert.Equal(3, Results(_out).GetProperty("contenders").GetArrayLength());
        using var bitmap = SKBitmap.Decode(Path.Combine(_out, FinetuneCommand.ScatterFile));
        Assert.NotNull(bitmap);
    }

    [Fact]
    public async Task Regress_on_the_fixed_macro_lens_is_refused_because_the_truth_does_not_vary()
    {
        var (code, _, error) = await Finetune("regress", _out, "--target", "theta_e");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("nothing to regress", error);
    }

    [Fact]
    public async Task Regress_on_a_folder_without_truths_is_refused()
    {
        var data = _out + "-data";
        try
        {
            DatasetSimulation.Write(data, 6, ["no_sub", "cdm"], 16, 0, CancellationToken.None);
            File.Delete(Path.Combine(data, LensSweep.Models.Data.DeepLense.TruthFile.FileName));

            var (code, _, error) = await Finetune("regress", _out, "--data", data);

            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Contains("carry no truths", error);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Test_time_augmentation_of_a_target_that_turns_with_the_image_is_refused()
    {
        var (code, _, error) = await Finetune("regress", _out, "--target", "e1", "--tta");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("which change e1", error);
    }

    [Fact]
    public async Task Classify_trains_on_the_default_schedule_when_no_epochs_are_given()
    {
        var (code, output, error) = await CliHarness.RunAsync(
            "finetune", "classify", "--checkpoint", _run.CheckpointPath(trial: 0, epoch: 2), "--out", _out, "--images-per-class", "8", "--region-grid", "1", "--threads", "1");

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Contains("10 linear-probe then 10 fine-tuning epochs", output);
    }

    [Fact]
    public async Task A_region_grid_that_does_not_divide_the_patch_grid_is_refused()
    {
        var (code, _, error) = await CliHarness.RunAsync(
            "finetune", "classify", "--checkpoint", _run.CheckpointPath(trial: 0, epoch: 2), "--out", _out, "--region-grid", "3");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("must divide the encoder's 2×2 patch grid", error);
    }

    [Fact]
    public async Task No_epochs_at_all_is_refused()
    {
        var (code, _, error) = await CliHarness.RunAsync(
            "finetune", "classify", "--checkpoint", _run.CheckpointPath(trial: 0, epoch: 2), "--out", _out, "--probe-epochs", "0", "--finetune-epochs", "0");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("nothing would train", error);
    }

    [Fact]
    public async Task Classify_help_explains_lp_ft_and_test_time_augmentation()
    {
        var (code, output, _) = await CliHarness.RunAsync("finetune", "classify", "--help");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("LP-FT", output);
        Assert.Contains("--tta", output);
    }

    [Fact]
    public async Task The_margin_over_the_cnn_baseline_is_printed_with_its_paired_interval()
    {
        var (code, output, error) = await Finetune("classify", _out);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Matches(@"Pretrained minus supervised CNN: [+-]?[0-9.]+ \[[+-]?[0-9.]+, [+-]?[0-9.]+\] test macro AUC \(paired 95% bootstrap interval\)\.", output);
        var against = Results(_out).GetProperty("margins").EnumerateArray().Select(m => m.GetProperty("against").GetString()).ToList();
        Assert.Equal(["random_init", "supervised_cnn"], against);
    }

    [Fact]
    public async Task Superres_scores_every_contender_and_bilinear_upsampling_and_draws_examples()
    {
        var (code, output, error) = await Superres(_out);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        var results = Results(_out);
        var names = results.GetProperty("contenders").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Equal(["pretrained", "random_init", "supervised_cnn", FinetuneCommand.BilinearName], names);
        Assert.All(results.GetProperty("contenders").EnumerateArray(), c => Assert.True(c.GetProperty("test").GetProperty("ssim").GetProperty("value").GetDouble() is > -1 and <= 1));
        Assert.Equal(2, results.GetProperty("factor").GetInt32());
        Assert.Matches(@"Pretrained minus bilinear: [+-]?[0-9.]+ \[[+-]?[0-9.]+, [+-]?[0-9.]+\] test PSNR \(dB\)", output);
        using var bitmap = SKBitmap.Decode(Path.Combine(_out, FinetuneCommand.ExamplesFile));
        Assert.NotNull(bitmap);
    }

    [Fact]
    public async Task Superres_trains_at_the_super_resolution_learning_rates_by_default()
    {
        var (code, output, error) = await Superres(_out);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        var schedule = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, DownstreamOptions.RunFile))).RootElement.GetProperty("settings").GetProperty("schedule");
        Assert.Equal((1e-3, 1e-4), (schedule.GetProperty("probe_learning_rate").GetDouble(), schedule.GetProperty("finetune_learning_rate").GetDouble()));
    }

    [Fact]
    public async Task Superres_shows_each_epoch_and_a_rerun_continues_from_the_checkpoints()
    {
        var (_, firstOutput, _) = await Superres(_out);
        var first = File.ReadAllText(Path.Combine(_out, DownstreamOptions.ResultsFile));

        var (code, output, _) = await Superres(_out);

        Assert.Contains("val -L1", firstOutput);
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("already trained", output);
        Assert.Equal(first, File.ReadAllText(Path.Combine(_out, DownstreamOptions.ResultsFile)));
    }

    [Fact]
    public async Task Superres_on_a_dataset_folder_is_refused_before_training()
    {
        var data = _out + "-data";
        try
        {
            DatasetSimulation.Write(data, 6, ["no_sub", "cdm"], 16, 0, CancellationToken.None);

            var (code, output, error) = await Superres(_out, "--data", data);

            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Contains("superres needs simulated lenses", error);
            Assert.DoesNotContain("Training", output);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Superres_with_a_factor_the_simulator_cannot_render_is_refused()
    {
        var (code, _, error) = await Superres(_out, "--factor", "300");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--factor 300 cannot be rendered", error);
    }

    [Fact]
    public async Task Superres_offers_no_test_time_augmentation()
    {
        var (code, _, _) = await Superres(_out, "--tta");

        Assert.NotEqual(ExitCodes.Success, code);
    }
}
