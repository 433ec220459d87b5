using System.CommandLine;
using System.Globalization;
using LensSweep.Client.Plotting;
using LensSweep.Models.Data;
using LensSweep.Models.Finetuning;
using LensSweep.Models.Simulation;

namespace LensSweep.Client.Commands;

/// <summary><c>lenssweep finetune regress</c>: a physical quantity of each image (--target), by a linear head on
/// the pooled tokens, trained on the standardised value.</summary>
internal sealed class RegressTask : FinetuneTask<RegressionScores>
{
    private readonly Option<string> _target = new("--target")
    {
        Description = $"The truth to predict: {string.Join(", ", LensTruths.All)}. Simulated truths vary only with --macro-lens varied (axion_mass: axion images only; subhalo_count: cdm and no_sub). Flip and rotation augmentation (and --tta) only for {string.Join(", ", FinetuneCommand.RotationInvariantTruths)}, which do not turn with the image.",
        HelpName = "NAME",
        DefaultValueFactory = _ => LensTruths.ThetaE,
    };

    public RegressTask()
        : base("regress", DownstreamTask.Regression, DownstreamMetrics.Regression)
    {
        _target.AcceptOnlyFromAmong([.. LensTruths.All]);
    }

    public override string Description =>
        $"Predict a physical quantity of each image (the simulator's truths, or a DeepLense folder's truth.csv, e.g. the axion mass) with a linear head on the encoder's pooled tokens (--region-grid), MSE on the standardised value, LP-FT as classify does. Reports test R² and MAE with 95% bootstrap intervals for the encoder, the same encoder from random init and the CNN baseline; writes {DownstreamOptions.ResultsFile} and {FinetuneCommand.ScatterFile} to --out.";

    public override IReadOnlyList<string> Examples { get; } =
    [
        "lenssweep finetune regress --study quick --macro-lens varied --target theta_e --out finetune/theta-e",
        "lenssweep finetune regress --checkpoint encoder.ckpt --data data/sim --target axion_mass --out finetune/axion",
    ];

    public override IReadOnlyList<Option> Options => [_target];

    public override FinetuneRun<RegressionScores> Start(ParseResult parseResult, bool tta)
    {
        var quantity = parseResult.GetRequiredValue(_target);
        var invariant = FinetuneCommand.RotationInvariantTruths.Contains(quantity);
        if (tta && !invariant)
        {
            throw new CliInputException($"--tta averages over flips and rotations, which change {quantity}", $"Leave out --tta, or predict one of {string.Join(", ", FinetuneCommand.RotationInvariantTruths)}.");
        }

        return new Run(quantity, invariant);
    }

    private sealed class Run(string quantity, bool invariant) : FinetuneRun<RegressionScores>
    {
        private double _mean;
        private double _spread;
        private LensDataset? _validation;
        private LensDataset? _test;

        public override TaskData Data(Prepared prepared)
        {
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

            (_mean, _spread, _validation, _test) = (mean, spread, validation, test);
            float[] Standardised(LensDataset d) => [.. Truth(d, quantity).Select(v => (float)((v - mean) / spread))];
            return new TaskData(
                new DownstreamData(train, Standardised(train), validation, Standardised(validation), test),
                Outputs: 1,
                Augment: invariant,
                Claim: new { target = quantity },
                Extra: new { target = quantity, train_mean = mean, train_standard_deviation = spread },
                string.Create(CultureInfo.InvariantCulture,
                    $"Target: {quantity} (train mean {mean:G4}, standard deviation {spread:G4}); {train.Count} train, {validation.Count} validation, {test.Count} test images{(invariant ? "" : "; no flip or rotation augmentation: it would change the target")}."));
        }

        public override TaskScores<RegressionScores> Score(IReadOnlyList<ContenderResult> results, int seed, string folder, bool tta)
        {
            var (mean, spread) = (_mean, _spread);
            double[] Values(float[] predicted) => [.. predicted.Select(p => (p * spread) + mean)];
            var validationTruth = Truth(_validation!, quantity);
            var testTruth = Truth(_test!, quantity);
            var scored = results.Select(r => (Result: r, Predicted: Values(r.Test)))
                .Select(r => (r.Result,
                    Validation: DownstreamScores.Regression(Values(r.Result.Validation), validationTruth, seed),
                    Test: DownstreamScores.Regression(r.Predicted, testTruth, seed),
                    r.Predicted)).ToList();
            var plotPath = Path.Combine(folder, FinetuneCommand.ScatterFile);
            PlotFile.Save(DownstreamFigures.PredictedAgainstTrue([.. scored.Select(s => (DownstreamRun.NameOf(s.Result.Contender), s.Predicted, s.Test))], testTruth, quantity), plotPath);
            return new TaskScores<RegressionScores>(
                [.. scored.Select(s => new ScoredRow<RegressionScores>(DownstreamRun.NameOf(s.Result.Contender), s.Result, s.Validation, s.Test))],
                [plotPath]);
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
