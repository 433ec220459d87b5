using System.CommandLine;
using System.Globalization;
using LensSweep.Client.Cluster;
using LensSweep.Client.Plotting;
using LensSweep.Models.Data;
using LensSweep.Models.Evaluation;
using LensSweep.Models.Finetuning;
using LensSweep.Models.Simulation;

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
    public const string ExamplesFile = "examples.png";

    /// <summary>Test images the examples figure shows.</summary>
    public const int ExampleCount = 4;

    /// <summary>Truths a flip or a quarter turn of the image leaves as they are, so dihedral augmentation keeps the label
    /// right; the others (ellipticity, shear, source position) turn with the image.</summary>
    public static IReadOnlyList<string> RotationInvariantTruths { get; } = [LensTruths.ThetaE, LensTruths.SubhaloCount, LensTruths.AxionMass];

    public static Command Create(IStudyClusterConnector? cluster, Func<string, string?> environment, HelpExamples examples)
    {
        var finetune = examples.Add(
            new Command("finetune", "Downstream tasks on a trained encoder (the best trial of a study, a trial, or a checkpoint file), each against the same task trained from random init and against a small supervised CNN of similar size."),
            "lenssweep finetune classify --study quick --spec examples/quick.json --out finetune/quick",
            "lenssweep finetune regress --checkpoint encoder.ckpt --macro-lens varied --target theta_e --out finetune/theta-e",
            "lenssweep finetune superres --study quick --factor 2 --out finetune/superres");
        finetune.Add(Classify(cluster, environment, examples));
        finetune.Add(Regress(cluster, environment, examples));
        finetune.Add(SuperResolution(cluster, environment, examples));
        return finetune;
    }

    private static Command Classify(IStudyClusterConnector? cluster, Func<string, string?> environment, HelpExamples examples)
    {
        var options = new DownstreamOptions(DownstreamTask.Classification, cluster, environment);
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
            DownstreamOptions.ClaimFolder(folder, "classify", null, prepared, settings);
            console.Out.WriteLine($"Classes: {string.Join(", ", classes)}; {train.Count} train, {validation.Count} validation, {test.Count} test images.");
            var data = new DownstreamData(train, Labels(train), validation, Labels(validation), test);
            var results = DownstreamOptions.RunContenders(prepared, DownstreamTask.Classification, classes.Count, settings, data, folder, tta, console.Out, cancellationToken);

            var seed = (int)settings.Seed;
            var scored = results.Select(r => (Result: r,
                Validation: DownstreamScores.Classification(r.Validation, validation.Labels, classes.Count, seed),
                Test: DownstreamScores.Classification(r.Test, test.Labels, classes.Count, seed))).ToList();
            var roc = scored.Select(s => (DownstreamRun.NameOf(s.Result.Contender), s.Test.Roc,
                (IReadOnlyList<double>)Enumerable.Range(0, classes.Count).Select(c => ClassAuc(s.Result.Test, test.Labels, classes.Count, c)).ToList())).ToList();
            var rocPath = Path.Combine(folder, RocFile);
            PlotFile.Save(DownstreamFigures.Roc(roc, classes, $" (test{(tta ? ", with TTA" : "")})"), rocPath);
            DownstreamReport.Write(console.Out, folder, "classify", prepared, settings, tta, data, DownstreamMetrics.Classification,
                [.. scored.Select(s => new ScoredRow<ClassificationScores>(DownstreamRun.NameOf(s.Result.Contender), s.Result, s.Validation, s.Test))],
                new { classes }, [rocPath]);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Regress(IStudyClusterConnector? cluster, Func<string, string?> environment, HelpExamples examples)
    {
        var options = new DownstreamOptions(DownstreamTask.Regression, cluster, environment);
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
            DownstreamOptions.ClaimFolder(folder, "regress", new { target = quantity }, prepared, settings);
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
            var plotPath = Path.Combine(folder, ScatterFile);
            PlotFile.Save(DownstreamFigures.PredictedAgainstTrue([.. scored.Select(s => (DownstreamRun.NameOf(s.Result.Contender), s.Predicted, s.Test))], testTruth, quantity), plotPath);
            DownstreamReport.Write(console.Out, folder, "regress", prepared, settings, tta, data, DownstreamMetrics.Regression,
                [.. scored.Select(s => new ScoredRow<RegressionScores>(DownstreamRun.NameOf(s.Result.Contender), s.Result, s.Validation, s.Test))],
                new { target = quantity, train_mean = mean, train_standard_deviation = spread }, [plotPath]);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command SuperResolution(IStudyClusterConnector? cluster, Func<string, string?> environment, HelpExamples examples)
    {
        var options = new DownstreamOptions(DownstreamTask.SuperResolution, cluster, environment);
        var factor = CliOptions.WholeNumber("--factor", "The truth's side over the input's: the same lenses rendered over the same field with this many times more pixels a side.", 2, min: 2);
        var command = examples.Add(
            new Command("superres", $"Upsample simulated lenses: the input is what the encoder sees (its image size, the data's noise), the truth the same lens over the same field at --factor times the pixels a side, without noise. A convolutional head with a pixel shuffle on the encoder's patch tokens (the CNN baseline: on its last feature map), added to the bilinear upsampling of the input, L1 loss, LP-FT as classify does. Reports test PSNR and SSIM (11×11 Gaussian window, σ 1.5; data range the truth's own) with 95% bootstrap intervals for the encoder, the same encoder from random init, the CNN baseline and bilinear upsampling; writes {DownstreamOptions.ResultsFile} and {ExamplesFile} (input, outputs, truth) to --out."),
            "lenssweep finetune superres --study quick --out finetune/superres",
            "lenssweep finetune superres --checkpoint encoder.ckpt --macro-lens varied --factor 4 --out finetune/superres-4x");
        command.Add(factor);
        options.AddTo(command);
        CommandAction.Set(command, async (parseResult, console, cancellationToken) =>
        {
            var folder = options.Output(parseResult);
            var upsampling = parseResult.GetValue(factor);
            (SuperResolutionPairs Train, SuperResolutionPairs Validation, SuperResolutionPairs Test)? pairs = null;
            DataSplit Simulate(DatasetOptions data, Models.Mae.MaeConfig config, CancellationToken token)
            {
                RequireUpsampling(data, config, upsampling);
                pairs = SuperResolutionPairs.Simulate(data, SimulatedLenses.Options(data.MacroLens, data.Noise), upsampling, token);
                return new DataSplit(pairs.Value.Train.Low, pairs.Value.Validation.Low, pairs.Value.Test.Low);
            }

            using var prepared = await options.PrepareAsync(parseResult, console.Out, cancellationToken, Simulate);
            var (train, validation, test) = pairs!.Value;
            var settings = options.Settings(parseResult, augment: true);
            DownstreamOptions.ClaimFolder(folder, "superres", new { factor = upsampling }, prepared, settings);
            var side = train.Low.Height;
            console.Out.WriteLine($"Pairs: input {side}×{side}, truth {side * upsampling}×{side * upsampling} without noise; {train.Low.Count} train, {validation.Low.Count} validation, {test.Low.Count} test images.");
            var data = new DownstreamData(train.Low, train.High.Images, validation.Low, validation.High.Images, test.Low);
            var results = DownstreamOptions.RunContenders(prepared, DownstreamTask.SuperResolution, upsampling, settings, data, folder, tta: false, console.Out, cancellationToken);

            var seed = (int)settings.Seed;
            var highSide = side * upsampling;
            SuperResolutionScores Scores(float[] predicted, SuperResolutionPairs truth) =>
                DownstreamScores.SuperResolution(predicted, truth.High.Images, truth.High.Count, truth.High.Channels, highSide, seed);

            var bilinear = (Validation: UpsamplingHead.Bilinear(validation.Low, upsampling), Test: UpsamplingHead.Bilinear(test.Low, upsampling));
            List<ScoredRow<SuperResolutionScores>> rows =
            [
                .. results.Select(r => new ScoredRow<SuperResolutionScores>(DownstreamRun.NameOf(r.Contender), r, Scores(r.Validation, validation), Scores(r.Test, test))),
                new ScoredRow<SuperResolutionScores>(BilinearName, null, Scores(bilinear.Validation, validation), Scores(bilinear.Test, test)),
            ];
            var shown = ExampleRows(test.Low);
            var outputs = new List<(string Name, float[] Images)> { (BilinearName, bilinear.Test) };
            outputs.AddRange(results.Select(r => (DownstreamRun.NameOf(r.Contender), r.Test)));
            var examplesPath = Path.Combine(folder, ExamplesFile);
            PlotFile.Save(DownstreamFigures.SuperResolutionExamples(test.Low, test.High, outputs, shown), examplesPath);
            DownstreamReport.Write(console.Out, folder, "superres", prepared, settings, false, data, DownstreamMetrics.SuperResolution, rows, new { factor = upsampling }, [examplesPath]);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The name of the trivial baseline: the input upsampled bilinearly, nothing learned.</summary>
    public const string BilinearName = "bilinear";

    /// <summary>The test images the examples figure shows: the first of each class in turn, up to <see cref="ExampleCount"/>.</summary>
    private static int[] ExampleRows(LensDataset test) =>
        [.. Enumerable.Range(0, test.Count).OrderBy(i => Enumerable.Range(0, i).Count(j => test.Labels[j] == test.Labels[i])).ThenBy(i => test.Labels[i]).Take(ExampleCount)];

    /// <summary>Refuses data a super-resolution cannot be built from: it needs the simulator (which renders the truth),
    /// a factor the simulator can render, and an image side the CNN baseline can upsample.</summary>
    private static void RequireUpsampling(DatasetOptions data, Models.Mae.MaeConfig config, int factor)
    {
        if (data.Kind != DatasetKind.Simulated)
        {
            throw new CliInputException(
                $"superres needs simulated lenses, and the data is a {data.Kind.ToString().ToLowerInvariant()} folder: a folder holds no high-resolution truth of its images",
                "Leave out --data (and give a --spec whose dataset is simulated, or none): the simulator renders each lens at both pixel scales.");
        }

        if (SuperResolutionPairs.FactorProblem(data.ImageSize, factor) is { } factorProblem)
            throw new CliInputException($"--factor {factor} cannot be rendered: {factorProblem}", "Give a smaller --factor.");
        if (Models.Finetuning.DownstreamNetwork.UpsamplingProblem(config) is { } problem)
            throw new CliInputException($"this encoder's images cannot be upsampled by every contender: {problem}", "Use an encoder whose image size divides by 4.");
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
