using System.CommandLine;
using LensSweep.Client.Plotting;
using LensSweep.Models.Data;
using LensSweep.Models.Finetuning;
using LensSweep.Models.Simulation;

namespace LensSweep.Client.Commands;

/// <summary><c>lenssweep finetune superres</c>: simulated lenses upsampled by --factor, against the same lenses
/// rendered at the higher resolution, and against bilinear upsampling (a row that trains nothing).</summary>
internal sealed class SuperResolutionTask() : FinetuneTask<SuperResolutionScores>("superres", DownstreamTask.SuperResolution, DownstreamMetrics.SuperResolution)
{
    private readonly Option<int> _factor = CliOptions.WholeNumber("--factor", "The truth's side over the input's: the same lenses rendered over the same field with this many times more pixels a side.", 2, min: 2);

    public override string Description =>
        $"Upsample simulated lenses: the input is what the encoder sees (its image size, the data's noise), the truth the same lens over the same field at --factor times the pixels a side, without noise. A convolutional head with a pixel shuffle on the encoder's patch tokens (the CNN baseline: on its last feature map), added to the bilinear upsampling of the input, L1 loss, LP-FT as classify does. Reports test PSNR and SSIM (11×11 Gaussian window, σ 1.5; data range the truth's own) with 95% bootstrap intervals for the encoder, the same encoder from random init, the CNN baseline and bilinear upsampling; writes {DownstreamOptions.ResultsFile} and {FinetuneCommand.ExamplesFile} (input, outputs, truth) to --out.";

    public override IReadOnlyList<string> Examples { get; } =
    [
        "lenssweep finetune superres --study quick --out finetune/superres",
        "lenssweep finetune superres --checkpoint encoder.ckpt --macro-lens varied --factor 4 --out finetune/superres-4x",
    ];

    public override IReadOnlyList<Option> Options => [_factor];

    public override FinetuneRun<SuperResolutionScores> Start(ParseResult parseResult, bool tta) => new Run(parseResult.GetValue(_factor));

    private sealed class Run(int factor) : FinetuneRun<SuperResolutionScores>
    {
        private (SuperResolutionPairs Train, SuperResolutionPairs Validation, SuperResolutionPairs Test)? _pairs;

        /// <summary>The data rule's first half: only the simulator renders the truth, so the split is simulated here.</summary>
        public override Func<DatasetOptions, Models.Mae.MaeConfig, CancellationToken, DataSplit> Load => (data, config, token) =>
        {
            RequireUpsampling(data, config, factor);
            var pairs = SuperResolutionPairs.Simulate(data, SimulatedLenses.Options(data.MacroLens, data.Noise), factor, token);
            _pairs = pairs;
            return new DataSplit(pairs.Train.Low, pairs.Validation.Low, pairs.Test.Low);
        };

        public override TaskData Data(Prepared prepared)
        {
            var (train, validation, test) = _pairs!.Value;
            var side = train.Low.Height;
            return new TaskData(
                new DownstreamData(train.Low, train.High.Images, validation.Low, validation.High.Images, test.Low),
                Outputs: factor,
                Augment: true,
                Claim: new { factor },
                Extra: new { factor },
                $"Pairs: input {side}×{side}, truth {side * factor}×{side * factor} without noise; {train.Low.Count} train, {validation.Low.Count} validation, {test.Low.Count} test images.");
        }

        public override TaskScores<SuperResolutionScores> Score(IReadOnlyList<ContenderResult> results, int seed, string folder, bool tta)
        {
            var (train, validation, test) = _pairs!.Value;
            var highSide = train.Low.Height * factor;
            SuperResolutionScores Scores(float[] predicted, SuperResolutionPairs truth) =>
                DownstreamScores.SuperResolution(predicted, truth.High.Images, truth.High.Count, truth.High.Channels, highSide, seed);

            var bilinear = (Validation: UpsamplingHead.Bilinear(validation.Low, factor), Test: UpsamplingHead.Bilinear(test.Low, factor));
            List<ScoredRow<SuperResolutionScores>> rows =
            [
                .. results.Select(r => new ScoredRow<SuperResolutionScores>(DownstreamRun.NameOf(r.Contender), r, Scores(r.Validation, validation), Scores(r.Test, test))),
                new ScoredRow<SuperResolutionScores>(FinetuneCommand.BilinearName, null, Scores(bilinear.Validation, validation), Scores(bilinear.Test, test)),
            ];
            var shown = ExampleRows(test.Low);
            var outputs = new List<(string Name, float[] Images)> { (FinetuneCommand.BilinearName, bilinear.Test) };
            outputs.AddRange(results.Select(r => (DownstreamRun.NameOf(r.Contender), r.Test)));
            var examplesPath = Path.Combine(folder, FinetuneCommand.ExamplesFile);
            PlotFile.Save(DownstreamFigures.SuperResolutionExamples(test.Low, test.High, outputs, shown), examplesPath);
            return new TaskScores<SuperResolutionScores>(rows, [examplesPath]);
        }
    }

    /// <summary>The test images the examples figure shows: the first of each class in turn, up to <see cref="FinetuneCommand.ExampleCount"/>.</summary>
    private static int[] ExampleRows(LensDataset test) =>
        [.. Enumerable.Range(0, test.Count).OrderBy(i => Enumerable.Range(0, i).Count(j => test.Labels[j] == test.Labels[i])).ThenBy(i => test.Labels[i]).Take(FinetuneCommand.ExampleCount)];

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
        if (DownstreamNetwork.UpsamplingProblem(config) is { } problem)
            throw new CliInputException($"this encoder's images cannot be upsampled by every contender: {problem}", "Use an encoder whose image size divides by 4.");
    }
}
