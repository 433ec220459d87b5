using LensSweep.Models.Data.Npy;

namespace LensSweep.Client.Tests;

public sealed class DataCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-data-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Simulate_writes_count_images_per_class_in_the_deeplense_layout()
    {
        var (code, _, _) = await CliHarness.RunAsync("data", "simulate", "--out", _folder, "--count", "3", "--size", "16", "--classes", "no_sub", "axion");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(["axion", "no_sub"], Directory.GetDirectories(_folder).Select(Path.GetFileName).Order());
        Assert.Equal(3, Directory.GetFiles(Path.Combine(_folder, "no_sub"), "*.npy").Length);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(_folder, "axion"), "*.npy").Length);
    }

    [Fact]
    public async Task Simulate_with_euclid_noise_writes_the_same_lenses_with_noise_added()
    {
        var clean = Path.Combine(_folder, "clean");
        var noisy = Path.Combine(_folder, "noisy");
        await CliHarness.RunAsync("data", "simulate", "--out", clean, "--count", "1", "--size", "16", "--classes", "no_sub");

        var (code, _, error) = await CliHarness.RunAsync("data", "simulate", "--out", noisy, "--count", "1", "--size", "16", "--classes", "no_sub", "--noise", "euclid");

        Assert.True(code == ExitCodes.Success, error);
        var without = NpyFile.Read(Directory.GetFiles(Path.Combine(clean, "no_sub"))[0]).Data;
        var with = NpyFile.Read(Directory.GetFiles(Path.Combine(noisy, "no_sub"))[0]).Data;
        var differences = without.Zip(with, (a, b) => b - a).ToArray();
        Assert.True(differences.Count(d => d != 0) > differences.Length * 9 / 10, "noise should touch nearly every pixel");
        Assert.True(Math.Abs(differences.Average()) < differences.Select(Math.Abs).Average(), "noise should be centred on the clean image");
    }

    [Fact]
    public async Task Simulate_rejects_an_unknown_noise_listing_the_choices()
    {
        var (code, _, error) = await CliHarness.RunAsync("data", "simulate", "--out", _folder, "--count", "1", "--noise", "loud");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("none, euclid", error);
    }

    [Fact]
    public async Task Simulate_lsst_writes_lenses_and_non_lenses_that_inspect_reads_as_five_band_41_pixel_cutouts()
    {
        var (code, _, error) = await CliHarness.RunAsync("data", "simulate-lsst", "--out", _folder, "--count", "2");
        Assert.True(code == ExitCodes.Success, error);

        var (inspected, output, _) = await CliHarness.RunAsync("data", "inspect", _folder);

        Assert.Equal(ExitCodes.Success, inspected);
        Assert.Contains("5×41×41", output);
        Assert.Matches(@"non_lens\s*│\s*2", output);
        Assert.Matches(@"\blens\s*│\s*2", output);
    }

    [Fact]
    public async Task Inspect_lists_every_unreadable_file_with_its_reason_and_exits_2()
    {
        await CliHarness.RunAsync("data", "simulate", "--out", _folder, "--count", "3", "--size", "16");
        var broken = new[] { Path.Combine(_folder, "cdm", "1.npy"), Path.Combine(_folder, "axion", "2.npy") };
        foreach (var path in broken)
        {
            await File.WriteAllBytesAsync(path, [1, 2, 3]);
        }

        var (code, _, error) = await CliHarness.RunAsync("data", "inspect", _folder);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("2 files", error);
        Assert.All(broken, path => Assert.Contains(path, error));
    }

    [Fact]
    public async Task Inspect_with_an_image_size_names_the_fit_that_brings_the_images_there()
    {
        await CliHarness.RunAsync("data", "simulate", "--out", _folder, "--count", "1", "--size", "16");

        var (code, output, error) = await CliHarness.RunAsync("data", "inspect", _folder, "--image-size", "32", "--fit", "resize");

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("At image_size 32: 16×16, resize to 32×32 at load.", output);
    }

    [Fact]
    public async Task Inspect_with_an_image_size_the_images_do_not_have_and_no_fit_exits_2_naming_the_option()
    {
        await CliHarness.RunAsync("data", "simulate", "--out", _folder, "--count", "1", "--size", "16");

        var (code, _, error) = await CliHarness.RunAsync("data", "inspect", _folder, "--image-size", "32");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("dataset.fit", error);
    }

    [Fact]
    public async Task Inspect_reports_counts_per_class_shape_and_skipped_files()
    {
        await CliHarness.RunAsync("data", "simulate", "--out", _folder, "--count", "2", "--size", "16");
        await File.WriteAllTextAsync(Path.Combine(_folder, "cdm", "notes.txt"), "not an image");

        var (code, output, _) = await CliHarness.RunAsync("data", "inspect", _folder);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("1×16×16", output);
        Assert.Matches(@"no_sub\s*│\s*2", output);
        Assert.Contains("notes.txt", output);
    }

    [Fact]
    public async Task Inspect_names_a_file_that_cannot_be_read_and_exits_2()
    {
        await CliHarness.RunAsync("data", "simulate", "--out", _folder, "--count", "2", "--size", "16");
        var broken = Path.Combine(_folder, "cdm", "1.npy");
        await File.WriteAllTextAsync(broken, "this is not numpy");

        var (code, _, error) = await CliHarness.RunAsync("data", "inspect", _folder);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("1.npy", error);
    }

    [Fact]
    public async Task Inspect_of_a_missing_folder_exits_2_and_says_how_to_make_one()
    {
        var (code, _, error) = await CliHarness.RunAsync("data", "inspect", Path.Combine(_folder, "missing"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("does not exist", error);
        Assert.Contains("lenssweep data simulate", error);
    }

    [Fact]
    public async Task Simulate_refuses_an_unknown_class_listing_the_known_ones()
    {
        var (code, _, error) = await CliHarness.RunAsync("data", "simulate", "--out", _folder, "--count", "2", "--classes", "sphere");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--classes must be among no_sub, cdm, axion; got 'sphere'.", error);
    }
}
