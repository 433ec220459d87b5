using System.CommandLine;
using System.Globalization;
using LensSweep.Client.Plotting;
using LensSweep.Models.Data;
using LensSweep.Models.Finetuning;

namespace LensSweep.Client.Commands;

/// <summary>
/// <c>lenssweep finetune …</c>: downstream tasks on a trained encoder, each reported against the same network
/// trained from random init and a small supervised CNN of about the encoder's size, trained on the same split with
/// the same seed. Epochs are chosen on validation; the test split is read once, at the chosen epoch.
/// </summary>
internal static class FinetuneCommand
{
    public const string RocFile = "roc.png";
    public const string ScatterFile = "predicted_vs_true.png";

    /// <summary>Truths a flip or a quarter turn of the image leaves as they are, so dihedral augmentation keeps the label
    /// right; the others (ellipticity, shear, source position) turn with the image.</summary>
    public static IReadOnlyList<string> RotationInvariantTruths { get; } = [LensTruths.ThetaE, LensTruths.SubhaloCount, LensTruths.AxionMass];

    public static Command Create(HelpExamples examples)
    {
        var finetune = examples.Add(
            new Command("finetune", "Downstream tasks on a trained encoder (the best trial of a study, a trial, or a checkpoint file), each against the same task trained from random init and against a small supervised CNN of similar size."),
            "lenssweep finetune classify --study quick --spec examples/quick.json --out finetune/quick",
            "lenssweep finetune regress --checkpoint encoder.ckpt --macro-lens varied --target theta_e --out finetune/theta-e");
        finetune.Add(Classify(examples));
        finetune.Add(Regress(examples));
        return finetune;
    }

    private static Command Classify(HelpExamples examples)
    {
        var options = new DownstreamOptions();
        var command = examples.Add(
            new Command("classify", $"Classify the images (DeepLense: no_sub / cdm / axion; LSST folders: lens / non-lens) with a linear head on the encoder's pooled tokens (--region-grid): linear probing first, then full fine-tuning (LP-FT), augmented by flips and 90° rotations. Reports test accuracy and macro one-vs-rest ROC-AUC with 95% bootstrap intervals for the encoder, the same encoder from random init, and the CNN baseline; writes {DownstreamOptions.ResultsFile} and {RocFile} to --out."),
            "lenssweep finetune classify --study quick --spec examples/quick.json --out finetune/quick --tta",
            "lenssweep finetune classify --checkpoint epoch-0009-attempt-1.ckpt --images-per-class 500 --probe-epochs 3 --finetune-epochs 12 --out finetune/mine",
            "lenssweep finetune classify --trial lsst/2 --run runs/lsst --data data/lsst --out finetune/lsst");
        options.AddTo(command);
        CommandAction.Set(command, async (parseResult, console, cancellationToken) =>
        {
            var folder = options.Output(parseResult);
            using var prepared = await options.PrepareAsync(parseResult, console.Out, cancellationToken);
            var (train, validation, test) = prepared.Split;
            var classes = train.ClassNames;
            RequireClasses(classes, train, "train");
            RequireClasses(classes, validation, "validation");
            RequireClasses(classes, test, "test");
            var settings = options.Settings(parseResult, augment: true);
            var tta = options.TestTimeAugmentation(parseResult);
            DownstreamOptions.ClaimFolder(folder, new { task = "classify", encoder = prepared.Source, encoder_epoch = prepared.Encoder.Header.Epoch, dataset = prepared.Dataset, region_grid = prepared.RegionGrid, settings });
            console.Out.WriteLine($"Classes: {string.Join(", ", classes)}; {train.Count} train, {validation.Count} validation, {test.Count} test images.");
            var data = new DownstreamData(train, Labels(train), validation, Labels(validation), test);
            var results = DownstreamOptions.RunContenders(prepared, DownstreamTask.Classification, classes.Count, settings, data, folder, tta, console.Out, cancellationToken);

            var seed = (int)settings.Seed;
            var scored = results.Select(r => (Result: r,
                Validation: DownstreamScores.Classification(r.Validation, validation.Labels, classes.Count, seed),
                Test: DownstreamScores.Classification(r.Test, test.Labels, classes.Count, seed))).ToList();
            var suffix = tta ? ", with TTA" : "";
            console.Out.WriteLine();
            console.Out.WriteLine($"Test, {test.Count} images, each contender at its best validation epoch{suffix} (95% bootstrap intervals):");
            foreach (var (result, _, score) in scored)
            {
                console.Out.WriteLine($"  {DownstreamRun.NameOf(result.Contender),-15} accuracy {DownstreamOptions.Format(score.Accuracy)}  macro AUC {DownstreamOptions.Format(score.MacroAuc)}  (epoch {result.BestEpoch + 1})");
            }

            var roc = scored.Select(s => (DownstreamRun.NameOf(s.Result.Contender), s.Test.Roc,
                (IReadOnlyList<double>)Enumerable.Range(0, classes.Count).Select(c => ClassAuc(s.Result.Test, test.Labels, classes.Count, c)).ToList())).ToList();
            var rocPath = Path.Combine(folder, RocFile);
            PlotFile.Save(DownstreamFigures.Roc(roc, classes, $" (test{suffix})"), rocPath);
            DownstreamOptions.WriteResults(folder, new
            {
                task = "classify",
                encoder = prepared.Source,
                classes,
                images = new { train = train.Count, validation = validation.Count, test = test.Count },
                tta,
                region_grid = prepared.RegionGrid,
                settings,
                contenders = scored.Select(s => DownstreamOptions.ContenderJson(
                    s.Result,
                    new { accuracy = DownstreamOptions.Metric(s.Validation.Accuracy), macro_auc = DownstreamOptions.Metric(s.Validation.MacroAuc) },
                    new { accuracy = DownstreamOptions.Metric(s.Test.Accuracy), macro_auc = DownstreamOptions.Metric(s.Test.MacroAuc) })),
            });
            console.Out.WriteLine(DownstreamOptions.Margin("macro_auc", "macro AUC", scored[0].Test.MacroAuc, scored[1].Test.MacroAuc));
            console.Out.WriteLine($"Wrote {Path.Combine(folder, DownstreamOptions.ResultsFile)} and {rocPath}.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Regress(HelpExamples examples)
    {
        var options = new DownstreamOptions();
        var target = new Option<string>("--target")
        {
            Description = $"The truth to predict: {string.Join(", ", LensTruths.All)}. Simulated truths vary only with --macro-lens varied (axion_mass: axion images only; subhalo_count: cdm and no_sub). Flip and rotation augmentation (and --tta) only for {string.Join(", ", RotationInvariantTruths)}, which do not turn with the image.",
            HelpName = "NAME",
            DefaultValueFactory = _ => LensTruths.ThetaE,
        };
        target.AcceptOnlyFromAmong([.. LensTruths.All]);
        var command = examples.Add(
            new Command("regress", $"Predict a physical quantity of each image (the simulator's truths, or a DeepLense folder's truth.csv, e.g. the axion mass) with a linear head on the encoder's pooled tokens (--region-grid), MSE on the standardised value, LP-FT as classify does. Reports test R² and MAE with 95% bootstrap intervals for the encoder, the same encoder from random init and the CNN baseline; writes {DownstreamOptions.ResultsFile} and {ScatterFile} to --out."),
            "lenssweep finetune regress --study quick --macro-lens varied --target theta_e --out finetune/theta-e",
            "lenssweep finetune regress --checkpoint encoder.ckpt --data data/sim --target axion_mass --out finetune/axion");
        command.Add(target);
        options.AddTo(command);
        CommandAction.Set(command, async (parseResult, console, cancellationToken) =>
        {
            var folder = options.Output(parseResult);
            var quantity = parseResult.GetRequiredValue(target);
            var invariant = RotationInvariantTruths.Contains(quantity);
            var tta = options.TestTimeAugmentation(parseResult);
            if (tta && !invariant)
            {
                throw new CliInputException($"--tta averages over flips and rotations, which change {quantity}", $"Leave out --tta, or predict one of {string.Join(", ", RotationInvariantTruths)}.");
            }

            using var prepared = await options.PrepareAsync(parseResult, console.Out, cancellationToken);
            var train = WithTruth(prepared.Split.Train, quantity, "train");
            var validation = WithTruth(prepared.Split.Validation, quantity, "validation");
            var test = WithTruth(prepared.Split.Test, quantity, "test");
            var trainTruth = Truth(train, quantity);
            var mean = trainTruth.Average();
            var spread = Math.Sqrt(trainTruth.Average(v => (v - mean) * (v - mean)));
            if (!(spread > 1e-12 * Math.Max(1, Math.Abs(mean))))
            {
                throw new CliInputException(
                    $"{quantity} is {mean.ToString("G6", CultureInfo.InvariantCulture)} in every training image: there is nothing to regress",
                    "Simulated images vary their macro lens only with --macro-lens varied (DeepLense Model II's is fixed); or give data whose truths vary.");
            }

            var settings = options.Settings(parseResult, augment: invariant);
            DownstreamOptions.ClaimFolder(folder, new { task = "regress", target = quantity, encoder = prepared.Source, encoder_epoch = prepared.Encoder.Header.Epoch, dataset = prepared.Dataset, region_grid = prepared.RegionGrid, settings });
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Target: {quantity} (train mean {mean:G4}, standard deviation {spread:G4}); {train.Count} train, {validation.Count} validation, {test.Count} test images{(invariant ? "" : "; no flip or rotation augmentation: it would change the target")}."));
            float[] Standardised(LensDataset d) => [.. Truth(d, quantity).Select(v => (float)((v - mean) / spread))];
            var data = new DownstreamData(train, Standardised(train), validation, Standardised(validation), test);
            var results = DownstreamOptions.RunContenders(prepared, DownstreamTask.Regression, 1, settings, data, folder, tta, console.Out, cancellationToken);

            var seed = (int)settings.Seed;
            double[] Values(float[] predicted) => [.. predicted.Select(p => (p * spread) + mean)];
            var validationTruth = Truth(validation, quantity);
            var testTruth = Truth(test, quantity);
            var scored = results.Select(r => (Result: r,
                Validation: DownstreamScores.Regression(Values(r.Validation), validationTruth, seed),
                Test: DownstreamScores.Regression(Values(r.Test), testTruth, seed),
                Predicted: Values(r.Test))).ToList();
            console.Out.WriteLine();
            console.Out.WriteLine($"Test, {test.Count} images, each contender at its best validation epoch{(tta ? ", with TTA" : "")} (95% bootstrap intervals):");
            foreach (var (result, _, score, _) in scored)
            {
                console.Out.WriteLine($"  {DownstreamRun.NameOf(result.Contender),-15} R² {DownstreamOptions.Format(score.RSquared)}  MAE {DownstreamOptions.Format(score.MeanAbsoluteError)}  (epoch {result.BestEpoch + 1})");
            }

            var plotPath = Path.Combine(folder, ScatterFile);
            PlotFile.Save(DownstreamFigures.PredictedAgainstTrue([.. scored.Select(s => (DownstreamRun.NameOf(s.Result.Contender), s.Predicted, s.Test))], testTruth, quantity), plotPath);
            DownstreamOptions.WriteResults(folder, new
            {
                task = "regress",
                target = quantity,
                encoder = prepared.Source,
                images = new { train = train.Count, validation = validation.Count, test = test.Count },
                train_mean = mean,
                train_standard_deviation = spread,
                tta,
                region_grid = prepared.RegionGrid,
                settings,
                contenders = scored.Select(s => DownstreamOptions.ContenderJson(
                    s.Result,
                    new { r2 = DownstreamOptions.Metric(s.Validation.RSquared), mae = DownstreamOptions.Metric(s.Validation.MeanAbsoluteError) },
                    new { r2 = DownstreamOptions.Metric(s.Test.RSquared), mae = DownstreamOptions.Metric(s.Test.MeanAbsoluteError) })),
            });
            console.Out.WriteLine(DownstreamOptions.Margin("r2", "R²", scored[0].Test.RSquared, scored[1].Test.RSquared));
            console.Out.WriteLine($"Wrote {Path.Combine(folder, DownstreamOptions.ResultsFile)} and {plotPath}.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static float[] Labels(LensDataset data) => [.. data.Labels.Select(l => (float)l)];

    private static double ClassAuc(float[] probabilities, int[] labels, int classes, int c) =>
        LensSweep.Models.Probing.RocAuc.Binary(
            Enumerable.Range(0, labels.Length).Select(i => (double)probabilities[(i * classes) + c]).ToArray(),
            labels.Select(l => l == c).ToArray());

    /// <summary>A classifier needs every class in every split: the head learns each, and AUC and accuracy need them held out.</summary>
    private static void RequireClasses(IReadOnlyList<string> classes, LensDataset split, string name)
    {
        if (classes.Count < 2)
        {
            throw new CliInputException(
                $"the data has one class ({string.Join(", ", classes)}): there is nothing to classify",
                "Give data with at least two classes (a DeepLense folder with two or more class folders, or simulated lenses).");
        }

        var missing = Enumerable.Range(0, classes.Count).Where(c => !split.Labels.Contains(c)).Select(c => classes[c]).ToList();
        if (missing.Count > 0)
        {
            throw new CliInputException(
                $"the {name} split has no images of {string.Join(", ", missing)}",
                "Give more images per class: each class needs some in train, validation and test.");
        }
    }

    private static double[] Truth(LensDataset data, string quantity) => data.Truths!.Columns[quantity];

    /// <summary>The split's images that have the truth (axion_mass, for one, only the axion images have).</summary>
    private static LensDataset WithTruth(LensDataset split, string quantity, string name)
    {
        if (split.Truths is not { } truths)
        {
            throw new CliInputException(
                "these images carry no truths, so there is nothing to regress",
                "Use simulated lenses (the default, with --macro-lens varied) or a folder with a truth.csv ('lenssweep data simulate' writes one).");
        }

        if (!truths.Columns.TryGetValue(quantity, out var column))
        {
            throw new CliInputException(
                $"the images' truths have no {quantity}",
                $"Predict one they have: {string.Join(", ", truths.Columns.Keys)}.");
        }

        var rows = Enumerable.Range(0, split.Count).Where(i => double.IsFinite(column[i])).ToArray();
        if (rows.Length < 2)
        {
            throw new CliInputException(
                $"the {name} split has {rows.Length} images with a {quantity}",
                "Give more images (--images-per-class), or a target more of them have.");
        }

        return DataSplitter.Select(split, rows);
    }
}
