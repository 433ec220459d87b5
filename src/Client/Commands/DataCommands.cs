using System.CommandLine;
using System.Globalization;
using LensSweep.Client.Datasets;
using LensSweep.Models.Data;
using LensSweep.Models.Simulation;
using Spectre.Console;
using LensSweep.Reporting.Leaderboards;

namespace LensSweep.Client.Commands;

/// <summary><c>lenssweep data …</c>: write simulated datasets and look inside dataset folders.</summary>
internal static class DataCommands
{
    public static Command Create(HelpExamples examples)
    {
        var data = examples.Add(
            new Command("data", "Simulate lensing datasets and inspect dataset folders."),
            "lenssweep data simulate --out data/sim --count 500",
            "lenssweep data inspect data/sim");
        data.Add(Simulate(examples));
        data.Add(SimulateLsst(examples));
        data.Add(Inspect(examples));
        return data;
    }

    private static Command Simulate(HelpExamples examples)
    {
        var output = new Option<string?>("--out") { Description = "Folder to write {class}/{index}.npy into.", HelpName = "DIR", Required = true };
        CliOptions.MustNotBeAFile(output);
        var count = CliOptions.WholeNumber("--count", "Images per class.", defaultValue: null);
        count.Required = true;
        var classes = new Option<string[]>("--classes")
        {
            Description = $"Classes to simulate (default: {string.Join(' ', LensClasses.All)}).",
            HelpName = string.Join('|', LensClasses.All),
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [.. LensClasses.All],
        };
        classes.Validators.Add(result =>
        {
            var unknown = result.GetValueOrDefault<string[]>().Except(LensClasses.All).ToList();
            if (unknown.Count > 0)
            {
                result.AddError($"--classes must be among {string.Join(", ", LensClasses.All)}; got '{string.Join("', '", unknown)}'.");
            }
        });
        var size = CliOptions.WholeNumber("--size", "Image side in pixels, 8 to 1024 (DeepLense Model II is 64).", 64, min: 8, max: 1024);
        var seed = CliOptions.WholeNumber("--seed", "Seed: the same seed writes the same images.", 0, min: int.MinValue);
        var macroLens = CliOptions.MacroLensChoice();
        var noise = CliOptions.NoiseChoice();
        var command = examples.Add(
            new Command("simulate", "Simulate strong lenses (no substructure, CDM subhalos, axion vortices) and write them in the DeepLense layout.") { output, count, classes, size, seed, macroLens, noise },
            "lenssweep data simulate --out data/sim --count 500",
            "lenssweep data simulate --out data/small --count 64 --size 32 --classes no_sub cdm --seed 7",
            "lenssweep data simulate --out data/noisy --count 500 --noise euclid --macro-lens varied");
        CommandAction.Set(command, (parseResult, console, cancellationToken) =>
        {
            var folder = parseResult.GetRequiredValue(output)!;
            var written = DatasetSimulation.Write(
                folder,
                parseResult.GetValue(count),
                parseResult.GetRequiredValue(classes).Distinct().ToList(),
                parseResult.GetValue(size),
                parseResult.GetValue(seed),
                cancellationToken,
                SimulatedLenses.Options(parseResult.GetValue(macroLens), parseResult.GetValue(noise)));
            console.Out.WriteLine($"Wrote {written} simulated images to {folder}. Check them with: lenssweep data inspect {folder}");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command SimulateLsst(HelpExamples examples)
    {
        var output = new Option<string?>("--out") { Description = "Folder to write lens/ and non_lens/ FITS band files into.", HelpName = "DIR", Required = true };
        CliOptions.MustNotBeAFile(output);
        var count = CliOptions.WholeNumber("--count", "Objects per class (lens and non_lens); each object is five files.", defaultValue: null);
        count.Required = true;
        var seed = CliOptions.WholeNumber("--seed", "Seed: the same seed writes the same objects.", 0, min: int.MinValue);
        var command = examples.Add(
            new Command(
                "simulate-lsst",
                "Simulate LSST-like cutouts (41×41 at 0.2\"/px, bands g r i z y; lenses and unlensed look-alikes) and write them in the LSST strong-lens challenge's FITS layout. A stand-in for trying LSST studies, not the challenge's images: no noise, idealised galaxies.")
            { output, count, seed },
            "lenssweep data simulate-lsst --out data/lsst --count 100");
        CommandAction.Set(command, (parseResult, console, cancellationToken) =>
        {
            var folder = parseResult.GetRequiredValue(output)!;
            var written = DatasetSimulation.WriteLsst(folder, parseResult.GetValue(count), parseResult.GetValue(seed), cancellationToken);
            console.Out.WriteLine($"Wrote {written} simulated LSST objects ({written * LensSweep.Models.Data.Lsst.LsstReader.Bands.Count} FITS files) to {folder}. Check them with: lenssweep data inspect {folder}");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command Inspect(HelpExamples examples)
    {
        var folder = new Argument<string>("dir") { Description = "Dataset folder: DeepLense ({class}/*.npy) or LSST challenge (FITS)." };
        var kind = new Option<string>("--kind")
        {
            Description = "Folder layout; auto looks for FITS files (LSST) and otherwise reads DeepLense.",
            HelpName = "auto|deeplense|lsst",
            DefaultValueFactory = _ => "auto",
        };
        kind.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is var value && value is not ("auto" or "deeplense" or "lsst"))
            {
                result.AddError($"--kind must be one of auto, deeplense, lsst; got '{value}'.");
            }
        });
        var imageSize = CliOptions.OptionalWholeNumber(
            "--image-size",
            "The image side a study would train at (its dataset.image_size): says whether the images fit it, or how --fit brings them to it.");
        var fit = new Option<string?>("--fit")
        {
            Description = "With --image-size: the spec's dataset.fit, how images of another size are brought to it at load.",
            HelpName = string.Join('|', Enum.GetValues<ImageFit>().Select(ImageFitting.Naming)),
        };
        fit.AcceptOnlyFromAmong([.. Enum.GetValues<ImageFit>().Select(ImageFitting.Naming)]);
        var command = examples.Add(
            new Command("inspect", "Report what a dataset folder holds: images per class, image shape, raw value range, and files that were skipped or cannot be read.") { folder, kind, imageSize, fit },
            "lenssweep data inspect data/sim",
            "lenssweep data inspect /data/Model_II --kind deeplense",
            "lenssweep data inspect /data/lsst --image-size 64 --fit resize");
        CommandAction.Set(command, (parseResult, console, cancellationToken) =>
        {
            DatasetKind? chosen = parseResult.GetValue(kind) switch
            {
                "deeplense" => DatasetKind.DeepLense,
                "lsst" => DatasetKind.Lsst,
                _ => null,
            };
            var inspection = DatasetInspector.Inspect(parseResult.GetRequiredValue(folder), chosen, cancellationToken);
            Print(inspection, console.Ansi);
            if (parseResult.GetValue(imageSize) is not { } size)
            {
                return Task.FromResult(ExitCodes.Success);
            }

            var (_, height, width) = inspection.Shape;
            var fitting = parseResult.GetValue(fit) is { } name ? Enum.Parse<ImageFit>(name, ignoreCase: true) : (ImageFit?)null;
            if (ImageFitting.Problem(height, width, size, fitting) is { } problem)
            {
                console.WriteProblem($"these images cannot train at image_size {size}: {problem}", "Give the study that image_size, or the fit named.");
                return Task.FromResult(ExitCodes.BadInput);
            }

            console.Out.WriteLine($"At image_size {size}: {ImageFitting.Describe(height, width, size, fitting)}.");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static void Print(DatasetInspection inspection, IAnsiConsole console)
    {
        static string N(double value) => value.ToString("G5", CultureInfo.InvariantCulture);
        var (channels, height, width) = inspection.Shape;
        var facts = new Grid().AddColumn().AddColumn();
        facts.AddRow("folder", Markup.Escape(inspection.Folder));
        facts.AddRow("layout", Naming.SnakeCase(inspection.Kind.ToString()));
        facts.AddRow("images", inspection.Total.ToString(CultureInfo.InvariantCulture));
        facts.AddRow("shape", $"{channels}×{height}×{width} (channels×height×width)");
        facts.AddRow("values", $"min {N(inspection.Min)}, max {N(inspection.Max)}, mean {N(inspection.Mean)}");
        facts.AddRow("non-finite", inspection.NonFinitePixels == 0
            ? "none"
            : $"[yellow]{inspection.NonFinitePixels} NaN/Inf pixels[/] (replaced by the channel median when loaded)");
        facts.AddRow("skipped", inspection.SkippedFiles == 0
            ? "none"
            : $"{inspection.SkippedFiles} files not part of the dataset, e.g. {Markup.Escape(string.Join(", ", inspection.SkippedFileExamples.Select(Path.GetFileName)))}");
        console.Write(facts);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("class").AddColumn(new TableColumn("images").RightAligned());
        foreach (var (name, count) in inspection.ImagesPerClass)
        {
            table.AddRow(Markup.Escape(name), count.ToString(CultureInfo.InvariantCulture));
        }

        console.Write(table);
    }
}
