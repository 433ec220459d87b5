using System.CommandLine;
using LensSweep.Client.Plotting;
using LensSweep.Models.Data;
using LensSweep.Models.Finetuning;

namespace LensSweep.Client.Commands;

/// <summary><c>lenssweep finetune classify</c>: the images' classes, by a linear head on the pooled tokens.</summary>
internal sealed class ClassifyTask() : FinetuneTask<ClassificationScores>("classify", DownstreamTask.Classification, DownstreamMetrics.Classification)
{
    public override string Description =>
        $"Classify the images (DeepLense: no_sub / cdm / axion; LSST folders: lens / non-lens) with a linear head on the encoder's pooled tokens (--region-grid): linear probing first, then full fine-tuning (LP-FT), augmented by flips and 90° rotations. Reports test accuracy and macro one-vs-rest ROC-AUC with 95% bootstrap intervals for the encoder, the same encoder from random init, and the CNN baseline; writes {DownstreamOptions.ResultsFile} and {FinetuneCommand.RocFile} to --out.";

    public override IReadOnlyList<string> Examples { get; } =
    [
        "lenssweep finetune classify --study quick --spec examples/quick.json --out finetune/quick --tta",
        "lenssweep finetune classify --checkpoint epoch-0009-attempt-1.ckpt --images-per-class 500 --probe-epochs 3 --finetune-epochs 12 --out finetune/mine",
        "lenssweep finetune classify --trial lsst/2 --run runs/lsst --data data/lsst --out finetune/lsst",
    ];

    public override FinetuneRun<ClassificationScores> Start(ParseResult parseResult, bool tta) => new Run();

    private sealed class Run : FinetuneRun<ClassificationScores>
    {
        private IReadOnlyList<string> _classes = [];
        private LensDataset? _validation;
        private LensDataset? _test;

        public override TaskData Data(Prepared prepared)
        {
            var (train, validation, test) = prepared.Split;
            _classes = train.ClassNames;
            RequireClasses(_classes, train, "train");
            RequireClasses(_classes, validation, "validation");
            RequireClasses(_classes, test, "test");
            (_validation, _test) = (validation, test);
            return new TaskData(
                new DownstreamData(train, Labels(train), validation, Labels(validation), test),
                _classes.Count,
                Augment: true,
                Claim: null,
                Extra: new { classes = _classes },
                $"Classes: {string.Join(", ", _classes)}; {train.Count} train, {validation.Count} validation, {test.Count} test images.");
        }

        public override TaskScores<ClassificationScores> Score(IReadOnlyList<ContenderResult> results, int seed, string folder, bool tta)
        {
            var (validation, test, classes) = (_validation!, _test!, _classes);
            var scored = results.Select(r => (Result: r,
                Validation: DownstreamScores.Classification(r.Validation, validation.Labels, classes.Count, seed),
                Test: DownstreamScores.Classification(r.Test, test.Labels, classes.Count, seed))).ToList();
            var roc = scored.Select(s => (DownstreamRun.NameOf(s.Result.Contender), s.Test.Roc,
                (IReadOnlyList<double>)Enumerable.Range(0, classes.Count).Select(c => ClassAuc(s.Result.Test, test.Labels, classes.Count, c)).ToList())).ToList();
            var rocPath = Path.Combine(folder, FinetuneCommand.RocFile);
            PlotFile.Save(DownstreamFigures.Roc(roc, classes, $" (test{(tta ? ", with TTA" : "")})"), rocPath);
            return new TaskScores<ClassificationScores>(
                [.. scored.Select(s => new ScoredRow<ClassificationScores>(DownstreamRun.NameOf(s.Result.Contender), s.Result, s.Validation, s.Test))],
                [rocPath]);
        }
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
}
