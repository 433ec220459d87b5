using LensSweep.Models.Mae;
using LensSweep.Models.Training;

namespace LensSweep.Grains.Specs;

/// <summary>
/// One trial's hyperparameters: a point of the search space, one value per declaration of
/// <see cref="Hyperparameters.All"/>. Defaults are those of <see cref="MaeConfig"/> and
/// <see cref="OptimizerConfig"/>, so a spec that leaves a hyperparameter out trains with the reference value.
/// The typed properties are shorthands for the model's sizes and the optimiser's settings; every value,
/// those included, is reached through its declaration (<c>config[Hyperparameters.Masking]</c>).
/// </summary>
public sealed record TrialConfig
{
    private HyperparameterValues values = HyperparameterValues.Defaults;

    /// <summary>The value of <paramref name="parameter"/> as a number (choices their index).</summary>
    internal double this[Hyperparameter parameter] => values[parameter.Index];

    internal TrialConfig With(Hyperparameter parameter, double value) => this with { values = values.With(parameter.Index, value) };

    public double MaskRatio { get => this[Hyperparameters.MaskRatio]; init => Set(Hyperparameters.MaskRatio, value); }
    public int PatchSize { get => Int(Hyperparameters.PatchSize); init => Set(Hyperparameters.PatchSize, value); }
    public int EmbedDim { get => Int(Hyperparameters.EmbedDim); init => Set(Hyperparameters.EmbedDim, value); }
    public int Depth { get => Int(Hyperparameters.Depth); init => Set(Hyperparameters.Depth, value); }
    public int Heads { get => Int(Hyperparameters.Heads); init => Set(Hyperparameters.Heads, value); }
    public int DecoderDim { get => Int(Hyperparameters.DecoderDim); init => Set(Hyperparameters.DecoderDim, value); }
    public int DecoderDepth { get => Int(Hyperparameters.DecoderDepth); init => Set(Hyperparameters.DecoderDepth, value); }
    public int DecoderHeads { get => Int(Hyperparameters.DecoderHeads); init => Set(Hyperparameters.DecoderHeads, value); }
    public double MlpRatio { get => this[Hyperparameters.MlpRatio]; init => Set(Hyperparameters.MlpRatio, value); }
    public double LearningRate { get => this[Hyperparameters.LearningRate]; init => Set(Hyperparameters.LearningRate, value); }
    public double WeightDecay { get => this[Hyperparameters.WeightDecay]; init => Set(Hyperparameters.WeightDecay, value); }
    public int BatchSize { get => Int(Hyperparameters.BatchSize); init => Set(Hyperparameters.BatchSize, value); }
    public int WarmupEpochs { get => Int(Hyperparameters.WarmupEpochs); init => Set(Hyperparameters.WarmupEpochs, value); }

    /// <summary>Labelled images per class this trial learns from; null: the study dataset's own.</summary>
    public int? ImagesPerClass { get => Hyperparameters.ImagesPerClass.SizeIn(this); init => Set(Hyperparameters.ImagesPerClass, value ?? Hyperparameter.DatasetOwn); }

    /// <summary>Unlabelled images per class this trial also pretrains on; null: the study dataset's own pool.</summary>
    public int? UnlabelledPerClass { get => Hyperparameters.UnlabelledPerClass.SizeIn(this); init => Set(Hyperparameters.UnlabelledPerClass, value ?? Hyperparameter.DatasetOwn); }

    /// <summary>The model this trial pretrains, for images of <paramref name="imageSize"/> pixels with
    /// <paramref name="channels"/> bands (both come from the dataset, not the search space): every
    /// declaration applied to the model config in turn.</summary>
    public MaeConfig ToMaeConfig(int imageSize, int channels = 1) =>
        Hyperparameters.All.Aggregate(new MaeConfig { ImageSize = imageSize, Channels = channels }, (model, p) => p.ApplyTo(model, this[p]));

    /// <summary>The optimiser settings. <paramref name="maxEpochs"/> is the scheduler's R: every rung of a
    /// trial follows one cosine schedule of that length, so a promoted trial resumes mid-schedule.</summary>
    public OptimizerConfig ToOptimizerConfig(int maxEpochs) =>
        Hyperparameters.All.Aggregate(new OptimizerConfig { TotalEpochs = maxEpochs }, (optimizer, p) => p.ApplyTo(optimizer, this[p]));

    /// <summary>The hyperparameters by their spec (snake_case) names, in search-space order, each as a number
    /// and as a spec writes it: for leaderboards, scaling plots and logs.</summary>
    public IReadOnlyList<HyperparameterSetting> ToParameters() =>
        [.. Hyperparameters.All.Select(p => new HyperparameterSetting(
            p.Name, this[p], p.Format(this), p.Type == HyperparameterType.Choice, p.IsDataSize && this[p] == Hyperparameter.DatasetOwn))];

    /// <summary>A one-line description, e.g. <c>mask_ratio=0.75 patch_size=8 …</c>.</summary>
    public override string ToString() =>
        string.Join(' ', Hyperparameters.All.Select(p => $"{p.Name}={p.Format(this)}"));

    private int Int(Hyperparameter parameter) => (int)this[parameter];

    private void Set(Hyperparameter parameter, double value) => values = values.With(parameter.Index, value);
}

/// <summary>One hyperparameter of a trial: <paramref name="Value"/> as a number (a choice's index), <paramref name="Text"/>
/// as a spec writes it, and whether it is a named choice (shown by name, never plotted as a number).</summary>
/// <param name="IsDatasetOwn">An unsearched dataset size: <paramref name="Value"/> is a marker, not a number of images;
/// shown as its <paramref name="Text"/> (<c>dataset</c>).</param>
public sealed record HyperparameterSetting(string Name, double Value, string Text, bool IsChoice, bool IsDatasetOwn = false)
{
    /// <summary>Whether it is shown by its text rather than its number.</summary>
    public bool ShownAsText => IsChoice || IsDatasetOwn;
}

/// <summary>A trial's values in declaration order, compared by value.</summary>
internal sealed class HyperparameterValues : IEquatable<HyperparameterValues>
{
    private readonly double[] values;

    private HyperparameterValues(double[] values) => this.values = values;

    public static HyperparameterValues Defaults { get; } = new([.. Hyperparameters.All.Select(p => p.Default)]);

    public double this[int index] => values[index];

    public HyperparameterValues With(int index, double value)
    {
        var copy = (double[])values.Clone();
        copy[index] = value;
        return new HyperparameterValues(copy);
    }

    public bool Equals(HyperparameterValues? other) => other is not null && values.AsSpan().SequenceEqual(other.values);

    public override bool Equals(object? obj) => Equals(obj as HyperparameterValues);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var value in values)
        {
            hash.Add(value);
        }

        return hash.ToHashCode();
    }
}
