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
}
