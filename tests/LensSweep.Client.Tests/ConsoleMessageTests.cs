using LensSweep.Client.Engine;
using LensSweep.Grains.Hosting;

namespace LensSweep.Client.Tests;

/// <summary>The console's messages say what is actually the matter, once, with a remedy that works in the mode at hand.</summary>
public sealed class ConsoleMessageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-messages-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_directory_given_as_the_spec_is_called_a_directory_and_its_specs_are_offered()
    {
        var examples = Path.GetDirectoryName(StudyCommandTests.QuickSpec)!;

        var (code, _, error) = await CliHarness.RunAsync("study", "start", examples);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"lenssweep: spec '{examples}' is a directory, not a spec file", error);
        Assert.DoesNotContain("does not exist", error);
        Assert.Contains("quick.json", error);
    }

    [Fact]
    public async Task A_file_given_as_the_dataset_folder_is_called_a_file()
    {
        var file = Path.Combine(_folder, "image.npy");
        await File.WriteAllBytesAsync(file, [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y']);

        var (code, _, error) = await CliHarness.RunAsync("data", "inspect", file);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"lenssweep: dataset folder '{file}' is a file, not a folder", error);
        Assert.DoesNotContain("does not exist", error);
    }

    [Fact]
    public async Task Starting_a_completed_study_again_says_it_is_complete_and_where_its_results_are()
    {
        var cluster = new FakeCluster().With(SampleStudy.Results());

        var (code, output, _) = await CliHarness.RunAsync(cluster.Services(), "study", "start", StudyCommandTests.QuickSpec);

        Assert.Equal(ExitCodes.Success, code);
        Assert.DoesNotContain("Started study", output);
        Assert.Contains("Study quick already completed", output);
        Assert.Contains("lenssweep leaderboard quick", output);
    }

    [Fact]
    public async Task A_second_spec_under_the_same_name_on_a_cluster_is_refused_once_without_suggesting_out()
    {
        await using var silo = await TestSilo.StartAsync();
        var services = new CliServices { Cluster = new OrleansClusterConnector() };
        var cluster = silo.Gateway.ToString();

        var (first, _, firstError) = await CliHarness.RunAsync(services, "study", "start", StudyCommandTests.QuickSpec, "--cluster", cluster);
        var (second, _, error) = await CliHarness.RunAsync(services, "study", "start", await ChangedQuickSpecAsync(), "--cluster", cluster);

        Assert.True(first == ExitCodes.Success, firstError);
        Assert.Equal(ExitCodes.BadInput, second);
        Assert.Contains("lenssweep: study 'quick' already exists on the cluster with a different spec", error);
        Assert.Equal(2, error.Split("already exists").Length);
        Assert.DoesNotContain("--out", error);
    }

    [Fact]
    public async Task A_second_spec_under_the_same_name_in_a_run_folder_suggests_another_out()
    {
        var services = new CliServices { Embedded = new EmbeddedSiloLauncher(silo => silo.AddLensSweepTrainer<InstantTrainer>()) };
        var output = Path.Combine(_folder, "run");

        var (first, _, firstError) = await CliHarness.RunAsync(services, "run", StudyCommandTests.QuickSpec, "--out", output, "--slots", "1");
        var (second, _, error) = await CliHarness.RunAsync(services, "run", await ChangedQuickSpecAsync(), "--out", output, "--slots", "1");

        Assert.True(first == ExitCodes.Success, firstError);
        Assert.Equal(ExitCodes.BadInput, second);
        Assert.Equal(2, error.Split("already exists").Length);
        Assert.Contains($"or run it with another --out than {output}", error);
    }

    /// <summary>The quick spec with another learning rate: same name, different study.</summary>
    private async Task<string> ChangedQuickSpecAsync()
    {
        var text = await File.ReadAllTextAsync(StudyCommandTests.QuickSpec);
        var changed = text.Replace("\"learning_rate\": 1.5e-4", "\"learning_rate\": 3e-4", StringComparison.Ordinal);
        Assert.NotEqual(text, changed);
        var path = Path.Combine(_folder, "quick-changed.json");
        await File.WriteAllTextAsync(path, changed);
        return path;
    }
}
