namespace LensSweep.Client.Tests;

/// <summary>Every option that takes a number refuses what is not one with exit 2 and one line, never a stack trace.</summary>
public sealed class NumberOptionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-numbers-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string[]> WholeNumberOptions() => new()
    {
        { "--slots", ["run", "spec.json", "--slots"] },
        { "--top", ["leaderboard", "quick", "--top"] },
        { "--count", ["data", "simulate", "--out", "sim", "--count"] },
        { "--size", ["data", "simulate", "--out", "sim", "--count", "4", "--size"] },
        { "--seed", ["data", "simulate", "--out", "sim", "--count", "4", "--seed"] },
        { "--epochs", ["pretrain", "--epochs"] },
        { "--images-per-class", ["pretrain", "--images-per-class"] },
        { "--unlabelled-per-class", ["pretrain", "--unlabelled-per-class"] },
        { "--size", ["pretrain", "--size"] },
        { "--patch-size", ["pretrain", "--patch-size"] },
        { "--embed-dim", ["pretrain", "--embed-dim"] },
        { "--depth", ["pretrain", "--depth"] },
        { "--decoder-depth", ["pretrain", "--decoder-depth"] },
        { "--region-grid", ["pretrain", "--region-grid"] },
        { "--seed", ["pretrain", "--seed"] },
        { "--threads", ["pretrain", "--threads"] },
        { "--connect-timeout", ["study", "list", "--connect-timeout"] },
    };

    [Theory]
    [MemberData(nameof(WholeNumberOptions))]
    public async Task A_word_for_a_whole_number_exits_2_with_one_line_naming_the_option_and_value(string option, string[] args)
    {
        var (code, output, error) = await CliHarness.RunAsync([.. args, "abc"]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal(string.Empty, output);
        Assert.Equal($"lenssweep: {option} must be", ProblemLine(error)[..($"lenssweep: {option} must be").Length]);
        Assert.EndsWith("got 'abc'.", ProblemLine(error));
    }

    [Theory]
    [MemberData(nameof(WholeNumberOptions))]
    public async Task A_fraction_for_a_whole_number_exits_2_naming_the_option_and_value(string option, string[] args)
    {
        var (code, _, error) = await CliHarness.RunAsync([.. args, "1.5"]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith($"lenssweep: {option} must be", ProblemLine(error));
        Assert.EndsWith("got '1.5'.", ProblemLine(error));
    }

    [Theory]
    [InlineData("--mask-ratio")]
    [InlineData("--learning-rate")]
    public async Task A_word_for_a_real_number_exits_2_naming_the_option_and_value(string option)
    {
        var (code, _, error) = await CliHarness.RunAsync("pretrain", option, "abc");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal($"lenssweep: {option} must be a number such as 0.75 or 1e-3; got 'abc'.", ProblemLine(error));
    }

    [Theory]
    [InlineData("1e1")]
    [InlineData("10.0")]
    public async Task A_whole_number_written_with_an_exponent_or_a_decimal_point_is_accepted(string top)
    {
        var (code, _, error) = await CliHarness.RunAsync("leaderboard", "quick", "--top", top, "--format", "json");

        Assert.True(code == ExitCodes.Success, error);
    }

    [Fact]
    public async Task Slots_above_the_cores_exits_2_naming_both_numbers()
    {
        var cluster = new FakeCluster();
        var services = cluster.Services() with { ProcessorCount = 4 };

        var (code, _, error) = await CliHarness.RunAsync(services, "run", StudyCommandTests.QuickSpec, "--out", _folder, "--slots", "5");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("lenssweep: --slots 5 is more than the 4 CPU cores of this machine; give at most 4, or auto.", ProblemLine(error));
        Assert.Null(cluster.EmbeddedOptions);
    }

    [Fact]
    public async Task Slots_equal_to_the_cores_is_accepted()
    {
        var cluster = new FakeCluster();

        var (code, _, _) = await CliHarness.RunAsync(cluster.Services() with { ProcessorCount = 4 }, "run", StudyCommandTests.QuickSpec, "--out", _folder, "--slots", "4");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(4, cluster.EmbeddedOptions!.Slots);
    }

    [Fact]
    public async Task Slots_auto_lets_the_launcher_choose()
    {
        var cluster = new FakeCluster();

        var (code, _, error) = await CliHarness.RunAsync(cluster.Services(), "run", StudyCommandTests.QuickSpec, "--out", _folder, "--slots", "auto");

        Assert.True(code == ExitCodes.Success, error);
        Assert.Null(cluster.EmbeddedOptions!.Slots);
    }

    [Theory]
    [InlineData("run", "spec.json")]
    [InlineData("data", "simulate", "--count", "4")]
    public async Task Out_naming_an_existing_file_exits_2_with_one_line(params string[] args)
    {
        var file = Path.Combine(_folder, "taken.txt");
        await File.WriteAllTextAsync(file, "not a folder");

        var (code, output, error) = await CliHarness.RunAsync([.. args, "--out", file]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal(string.Empty, output);
        Assert.Equal($"lenssweep: --out '{file}' is a file; give a folder (a new one, or one an earlier run wrote).", ProblemLine(error));
    }

    /// <summary>The one problem line; the other line the console prints after a parse error points at --help.</summary>
    private static string ProblemLine(string error)
    {
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("--help", lines[1]);
        return lines[0];
    }
}
