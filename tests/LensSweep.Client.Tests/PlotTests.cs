using System.Xml.Linq;
using LensSweep.Client.Plotting;
using LensSweep.Grains.Specs;
using LensSweep.Reporting.Studies;
using LensSweep.Reporting.Plotting;
using MetricReading = LensSweep.Grains.Trials.MetricReading;
using ProbeScores = LensSweep.Grains.Trials.ProbeScores;

namespace LensSweep.Client.Tests;

public sealed class PlotTests : IDisposable
{
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-plots-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Scaling_picture_has_a_panel_per_searched_hyperparameter_and_one_for_compute()
    {
        var figure = ScalingPicture.Draw(SampleStudy.Results());

        Assert.Equal(["score vs mask_ratio", "score vs embed_dim", "score vs learning_rate", "score vs compute"], figure.PanelTitles);
    }

    [Fact]
    public void Scaling_picture_png_is_written_with_the_png_signature()
    {
        var path = Path.Combine(_folder, "scaling.png");

        PlotFile.Save(ScalingPicture.Draw(SampleStudy.Results()), path);

        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 1000);
        Assert.Equal(PngMagic, bytes[..8]);
    }

    [Fact]
    public void Scaling_picture_svg_is_valid_xml_naming_every_panel()
    {
        var path = Path.Combine(_folder, "scaling.svg");

        PlotFile.Save(ScalingPicture.Draw(SampleStudy.Results()), path);

        var svg = XDocument.Load(path);
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        var texts = SvgTexts(svg);
        foreach (var title in SampleStudy.Searched.Select(ScalingPicture.PanelTitle).Append(ScalingPicture.ComputePanelTitle))
        {
            Assert.Contains(title, texts);
        }
    }

    [Fact]
    public void Trajectory_plot_svg_is_valid_xml_with_its_title()
    {
        var path = Path.Combine(_folder, "trajectories.svg");

        PlotFile.Save(TrajectoryPlot.Draw(SampleStudy.Results()), path);

        Assert.Contains(TrajectoryPlot.Title, SvgTexts(XDocument.Load(path)));
    }

    [Fact]
    public void Trajectory_plot_png_is_written()
    {
        var path = Path.Combine(_folder, "trajectories.png");

        PlotFile.Save(TrajectoryPlot.Draw(SampleStudy.Results()), path);

        Assert.Equal(PngMagic, File.ReadAllBytes(path)[..8]);
    }

    private static ProbeScores Scored(double r2Macro, double low, double high) => new(0.5, 0.4)
    {
        Validation = new Dictionary<string, MetricReading> { ["r2_macro"] = new(r2Macro, low, high), ["r2_macro_gain"] = new(r2Macro - 0.6, 0.01, 0.05) },
    };

    private static TrialTrajectory ScoredTrial() => new(
        "q/0", TrialPhase.Completed, [], [new RungScore(0, 10, 0.63, 1, null, Scored(0.63, 0.58, 0.68))],
        Initial: new ProbeScores(0.5, 0.4) { Validation = new Dictionary<string, MetricReading> { ["r2_macro"] = new(0.6, 0.55, 0.65) } });

    [Fact]
    public void A_trajectory_starts_at_epoch_zero_with_the_untrained_encoders_score_and_interval()
    {
        var points = ScoredTrial().ScorePoints(MetricNames.Parse("r2_macro"));

        Assert.Equal([(0, 0.6, 0.55, 0.65), (10, 0.63, 0.58, 0.68)], points);
    }

    [Fact]
    public void A_gain_trajectory_starts_at_zero_and_carries_the_paired_interval()
    {
        var trial = ScoredTrial() with { Rungs = [new RungScore(0, 10, 0.03, 1, null, Scored(0.63, 0.58, 0.68))] };

        var points = trial.ScorePoints(MetricNames.Parse("r2_macro_gain"));

        Assert.Equal((0, 0.0), (points[0].Epochs, points[0].Score));
        Assert.Equal((10, 0.03, 0.01, 0.05), points[1]);
    }

    [Fact]
    public void The_no_pretraining_line_is_raw_pixels_for_an_evaluation_and_zero_for_a_gain()
    {
        var pixels = new ProbeScores(0.5, 0.4) { Validation = new Dictionary<string, MetricReading> { ["r2_macro"] = new(0.42, 0.4, 0.44) } };
        var results = SampleStudy.Results() with { PixelBaseline = pixels };

        Assert.Equal((0.42, "raw pixels"), NoPretraining.Level(results, MetricNames.Parse("r2_macro")));
        Assert.Equal(0.0, NoPretraining.Level(results, MetricNames.Parse("r2_macro_gain"))!.Value.Value);
        Assert.Null(NoPretraining.Level(SampleStudy.Results(), MetricNames.Parse("r2_macro")));
    }

    [Fact]
    public void A_trajectory_plot_with_intervals_and_a_pixel_line_is_written()
    {
        var pixels = new ProbeScores(0.5, 0.4) { Validation = new Dictionary<string, MetricReading> { ["r2_macro"] = new(0.42, 0.4, 0.44) } };
        var results = SampleStudy.Results() with { Study = SampleStudy.Summary() with { Metric = "r2_macro" }, Trials = [ScoredTrial()], PixelBaseline = pixels };
        var path = Path.Combine(_folder, "scored.svg");

        PlotFile.Save(TrajectoryPlot.Draw(results), path);

        Assert.Contains("raw pixels", SvgTexts(XDocument.Load(path)));
    }

    [Fact]
    public void A_plot_file_name_without_png_or_svg_is_refused_with_the_name()
    {
        var path = Path.Combine(_folder, "scaling.pdf");

        var error = Assert.Throws<CliInputException>(() => PlotFile.Save(ScalingPicture.Draw(SampleStudy.Results()), path));

        Assert.Contains("scaling.pdf", error.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Pareto_front_keeps_only_points_that_buy_a_better_score_with_more_compute()
    {
        var front = ParetoFront.Of([(1, 0.5), (2, 0.4), (3, 0.7), (4, 0.7), (5, 0.9), (0.5, 0.3)]);

        Assert.Equal([(0.5, 0.3), (1, 0.5), (3, 0.7), (5, 0.9)], front);
    }

    [Fact]
    public async Task Study_plot_command_writes_the_file_it_was_asked_for()
    {
        var path = Path.Combine(_folder, "nested", "trajectories.png");

        var (code, output, _) = await CliHarness.RunAsync("study", "plot", "quick", "--out", path, "--kind", "trajectories");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(PngMagic, File.ReadAllBytes(path)[..8]);
        Assert.Contains(TrajectoryPlot.Title, output);
    }

    private static List<string> SvgTexts(XDocument svg) =>
        svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToList();
}
