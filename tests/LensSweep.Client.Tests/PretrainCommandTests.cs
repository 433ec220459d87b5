namespace LensSweep.Client.Tests;

public sealed class PretrainCommandTests
{
    private static readonly string[] Tiny =
    [
        "pretrain", "--images-per-class", "12", "--size", "32", "--epochs", "1",
        "--embed-dim", "32", "--depth", "1", "--region-grid", "2", "--threads", "1",
    ];

    [Fact]
    public async Task Pretrain_prints_the_probe_score_beside_both_baselines()
    {
        var (code, output, error) = await CliHarness.RunAsync(Tiny);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Contains("MAE (pretrained)", output);
        Assert.Contains("random encoder", output);
        Assert.Contains("raw pixels", output);
        Assert.Contains("Pretrained minus random encoder:", output);
    }

    [Fact]
    public async Task Pretrain_on_noisy_varied_lenses_names_the_data_it_simulated()
    {
        var (code, output, error) = await CliHarness.RunAsync([.. Tiny, "--macro-lens", "varied", "--noise", "euclid", "--loss", "mse"]);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Contains("(32×32, DeepLense Model II, varied macro lens, Euclid VIS noise)", output);
        Assert.Contains("Pretrained minus random encoder:", output);
    }

    [Fact]
    public async Task Pretrain_trains_with_the_masking_and_loss_it_is_given_and_says_so()
    {
        var (code, output, error) = await CliHarness.RunAsync([.. Tiny, "--masking", "informed", "--masking-temperature", "0.5", "--loss", "l1"]);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Matches(@"mask [\d.]+ informed, patch \d+, loss l1", output);
    }

    [Fact]
    public async Task Pretrain_with_the_ijepa_objective_trains_it_and_says_so()
    {
        var (code, output, error) = await CliHarness.RunAsync([.. Tiny, "--objective", "ijepa"]);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Contains("Pretraining an I-JEPA", output);
        Assert.Contains("one context block, four target blocks", output);
        Assert.Contains("I-JEPA (pretrained)", output);
    }

    [Fact]
    public async Task Pretrain_with_an_unknown_objective_is_bad_input()
    {
        var (code, _, error) = await CliHarness.RunAsync([.. Tiny, "--objective", "cae"]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--objective must be one of mae, ijepa", error);
    }

    [Fact]
    public async Task Pretrain_with_ijepa_on_too_few_patches_is_bad_input()
    {
        var (code, _, error) = await CliHarness.RunAsync([.. Tiny, "--objective", "ijepa", "--patch-size", "16"]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("at least 4×4 patches", error);
    }

    [Fact]
    public async Task Pretrain_with_an_unknown_loss_is_bad_input()
    {
        var (code, _, error) = await CliHarness.RunAsync([.. Tiny, "--loss", "huber"]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--loss must be one of mse, mse_norm_pix, l1, bce", error);
    }

    [Fact]
    public async Task Pretrain_help_shows_each_default_as_one_types_it()
    {
        var (code, output, _) = await CliHarness.RunAsync("pretrain", "--help");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Matches(@"--pooling <regions\|mean>.*\[default: regions\]", output);
        Assert.Matches(@"--noise <none\|euclid>.*\[default: none\]", output);
        Assert.Matches(@"--loss <mse\|mse_norm_pix\|l1\|bce>.*\[default: mse_norm_pix\]", output);
        Assert.Matches(@"--masking <random\|block\|informed>.*\[default: random\]", output);
        Assert.Matches(@"--objective <mae\|ijepa>.*\[default: mae\]", output);
    }

    [Fact]
    public async Task Pretrain_with_a_patch_that_does_not_divide_the_image_is_bad_input()
    {
        var (code, _, error) = await CliHarness.RunAsync([.. Tiny, "--patch-size", "5"]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("PatchSize", error);
    }

    [Fact]
    public async Task Pretrain_rejects_an_unknown_pooling_with_the_valid_choices()
    {
        var (code, _, error) = await CliHarness.RunAsync([.. Tiny, "--pooling", "max"]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("regions, mean", error);
    }

    [Fact]
    public async Task Pretrain_with_an_unlabelled_pool_and_every_layer_says_how_many_images_it_pretrains_on()
    {
        var (code, output, error) = await CliHarness.RunAsync([.. Tiny, "--unlabelled-per-class", "4", "--feature-layers", "all"]);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Contains("12 labelled and 4 unlabelled lenses per class", output);
        // 12 labelled images per class leave 8 for train (2 each to validation and test): 24, plus the 12 pool images.
        Assert.Contains("on 36 images", output);
    }

    [Theory]
    [InlineData("2", "names layer 2, but the encoder has layers 0 (patch embedding) to 1")]
    [InlineData("0,0", "names layer 0 twice")]
    [InlineData("first", "must be last, all, or layer numbers")]
    public async Task Pretrain_rejects_feature_layers_the_encoder_does_not_have(string layers, string expected)
    {
        var (code, _, error) = await CliHarness.RunAsync([.. Tiny, "--feature-layers", layers]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(expected, error);
    }

    [Fact]
    public async Task Pretrain_rejects_a_negative_unlabelled_pool()
    {
        var (code, _, error) = await CliHarness.RunAsync([.. Tiny, "--unlabelled-per-class", "-1"]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--unlabelled-per-class must be zero or a positive whole number", error);
    }
}
