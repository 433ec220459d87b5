using System.Xml.Linq;
using LensSweep.Client.Plotting;

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
