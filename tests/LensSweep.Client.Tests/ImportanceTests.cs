using LensSweep.Client.Engine;
using LensSweep.Client.Plotting;
using LensSweep.Client.Reporting;
using LensSweep.Grains.Hosting;
using LensSweep.Grains.Importance;
using SkiaSharp;
using LensSweep.Reporting.Studies;
using LensSweep.Reporting.Plotting;

namespace LensSweep.Client.Tests;

/// <summary>Which hyperparameter matters, as the console shows it: the table, the axis kinds, the parallel-coordinates plot.</summary>
public sealed class ImportanceTests : IDisposable
{
    /// <summary>12 random configurations the instant trainer scores by mask ratio (strongly) and embed dim (a little); it ignores the learning rate.</summary>
    private const string RandomSpec = """
        { "name": "importance", "seed": 3, "max_concurrent_trials": 2,
          "dataset": { "kind": "simulated", "images_per_class": 16, "image_size": 32 },
          "search_space": { "mask_ratio": { "min": 0.4, "max": 0.9 }, "embed_dim": [32, 64],
                            "learning_rate": { "min": 1e-5, "max": 1e-2, "scale": "log" },
                            "patch_size": 8, "depth": 1, "heads": 2, "decoder_dim": 16, "decoder_depth": 1, "decoder_heads": 2,
                            "warmup_epochs": 0, "batch_size": 16 },
          "search": { "kind": "random", "count": 12 },
          "scheduler": { "kind": "none", "max_epochs": 1, "metric": "probe_auc" },
          "probe": { "epochs": 5 }, "evaluation": { "bootstrap": 20 } }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-importance-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static StudyResults WithChoices()
    {
        var sample = SampleStudy.Results();
        var objectives = new[] { "mae", "ijepa", "mae" };
        var trials = sample.Trials
            .Select((t, i) => t with { Parameters = [.. t.Parameters, new ParameterSetting("objective", ParameterValue.Of(objectives[i % 3]))] })
            .ToList();
        return sample with { Trials = trials, SearchedParameters = [.. sample.SearchedParameters, "objective"] };
    }

    private static int Colours(string png)
    {
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        var colours = new HashSet<SKColor>();
        for (var y = 0; y < bitmap.Height; y += 2)
        {
            for (var x = 0; x < bitmap.Width; x += 2)
            {
                colours.Add(bitmap.GetPixel(x, y));
            }
        }

        return colours.Count;
    }

    private async Task<string> WriteSpecAsync()
    {
        var path = Path.Combine(_folder, "importance.json");
        await File.WriteAllTextAsync(path, RandomSpec);
        return path;
    }

    [Fact]
    public void Axis_kinds_are_read_from_the_trial_values()
    {
        var axes = StudyAxis.Of(WithChoices()).ToDictionary(a => a.Name, a => a.Kind);

        Assert.Equal(AxisKind.Continuous, axes["mask_ratio"]);
        Assert.Equal(AxisKind.Integer, axes["embed_dim"]);
        Assert.Equal(AxisKind.Log, axes["learning_rate"]);
        Assert.Equal(AxisKind.Categorical, axes["objective"]);
    }

    [Fact]
    public void A_range_the_spec_declared_uniform_is_not_drawn_on_a_log_axis_whatever_its_name()
    {
        var results = WithChoices();
        var declared = results with { Study = results.Study with { RangeScales = new Dictionary<string, bool> { ["learning_rate"] = false } } };

        Assert.Equal(AxisKind.Continuous, StudyAxis.Of(declared).Single(a => a.Name == "learning_rate").Kind);
    }

    [Fact]
    public void A_range_the_spec_declared_log_is_drawn_on_a_log_axis_even_within_one_decade()
    {
        var results = WithChoices();
        var declared = results with { Study = results.Study with { RangeScales = new Dictionary<string, bool> { ["mask_ratio"] = true } } };

        Assert.Equal(AxisKind.Log, StudyAxis.Of(declared).Single(a => a.Name == "mask_ratio").Kind);
    }

    [Fact]
    public void A_choice_is_coded_by_its_place_in_ordinal_order_and_labelled_back()
    {
        var objective = StudyAxis.Of(WithChoices()).Single(a => a.Name == "objective");

        Assert.Equal(["ijepa", "mae"], objective.Choices);
        Assert.Equal(1, objective.Code(ParameterValue.Of("mae")));
        Assert.Equal("ijepa", objective.Label(0));
    }

    [Fact]
    public void Parallel_coordinates_png_is_written_and_not_blank()
    {
        var path = Path.Combine(_folder, "parallel.png");

        PlotFile.Save(ParallelCoordinates.Draw(WithChoices()), path);

        Assert.True(Colours(path) > 20, "the plot looks blank");
    }

    [Fact]
    public void Parallel_coordinates_name_every_axis_and_label_each_choice()
    {
        var svg = ParallelCoordinates.Draw(WithChoices()).ToSvg();

        foreach (var label in new[] { "mask_ratio", "embed_dim", "learning_rate (log)", "objective", "val_auc (colour)", "ijepa", "mae", "6 trials at rung 0 (1 epoch)" })
        {
            Assert.Contains(label, svg);
        }
    }

    [Fact]
    public async Task Study_plot_kind_parallel_writes_the_parallel_coordinates_plot()
    {
        var path = Path.Combine(_folder, "parallel.png");

        var (code, output, error) = await CliHarness.RunAsync("study", "plot", "quick", "--out", path, "--kind", "parallel");

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains(ParallelCoordinates.Title, output);
        Assert.True(Colours(path) > 20, "the plot looks blank");
    }

    [Fact]
    public async Task Study_show_of_a_study_with_too_few_trials_says_why_it_gives_no_importance()
    {
        var (code, output, _) = await CliHarness.RunAsync("study", "show", "quick");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains($"{ImportanceTable.Heading} for val_auc: not estimated: 6 trials have a score at rung 0; hyperparameter importance needs at least {ImportanceOptions.MinimumTrials}", output);
    }

    [Fact]
    public void The_bar_is_as_long_as_the_share()
    {
        Assert.Equal(ImportanceTable.BarWidth / 2, ImportanceTable.Bar(0.5).Length);
        Assert.Empty(ImportanceTable.Bar(0));
    }

    [Fact]
    public async Task Run_of_a_random_study_prints_which_hyperparameter_matters_and_writes_the_parallel_plot()
    {
        var services = new CliServices { Embedded = new EmbeddedSiloLauncher(silo => silo.AddLensSweepTrainer<InstantTrainer>()) };
        var output = Path.Combine(_folder, "out");

        var (code, stdout, stderr) = await CliHarness.RunAsync(services, "run", await WriteSpecAsync(), "--out", output, "--slots", "2");

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{stdout}\n{stderr}");
        var table = stdout[stdout.IndexOf(ImportanceTable.Heading, StringComparison.Ordinal)..];
        Assert.Contains("rung 0 (1 epoch), 12 trials", table);
        // With 12 trials the forest can fit the scores by mask ratio alone, so embed dim's small effect is not asserted.
        Assert.Matches(@"│ mask_ratio\s*│\s*[89]\d\.\d%", table);
        Assert.True(Colours(Path.Combine(output, "parallel.png")) > 20, "the plot looks blank");
    }

    [Fact]
    public async Task Study_show_of_a_finished_study_prints_each_hyperparameters_share_of_variance()
    {
        await using var silo = await TestSilo.StartAsync();
        var services = new CliServices { Cluster = new OrleansClusterConnector() };
        var (started, _, startError) = await CliHarness.RunAsync(services, "study", "start", await WriteSpecAsync(), "--watch", "--cluster", silo.Gateway.ToString());

        var (code, output, error) = await CliHarness.RunAsync(services, "study", "show", "importance", "--cluster", silo.Gateway.ToString());

        Assert.True(started == ExitCodes.Success, startError);
        Assert.True(code == ExitCodes.Success, error);
        var table = output[output.IndexOf(ImportanceTable.Heading, StringComparison.Ordinal)..];
        Assert.Contains("share of variance", table);
        Assert.Contains("interactions", table);
        Assert.Contains("█", table);
        Assert.Matches(@"mask_ratio\s*│\s*[5-9]\d\.\d%", table);
    }
}
