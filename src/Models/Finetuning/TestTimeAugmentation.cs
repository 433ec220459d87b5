namespace LensSweep.Models.Finetuning;

/// <summary>
/// Test-time augmentation: a model's predictions for every image under each of the <see cref="Dihedral"/>
/// transforms, averaged. For a classifier these are class probabilities (averaging probabilities, not logits,
/// keeps each row a distribution); for a regression, the predicted values.
/// </summary>
public static class TestTimeAugmentation
{
    /// <summary>The element-wise mean of equally long prediction arrays, one per transform.</summary>
    /// <exception cref="ArgumentException">No predictions, or arrays of different lengths.</exception>
    public static float[] Average(IReadOnlyList<float[]> predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (predictions.Count == 0)
            throw new ArgumentException("Test-time augmentation needs the predictions of at least one transform.", nameof(predictions));
        var length = predictions[0].Length;
        if (predictions.Any(p => p.Length != length))
            throw new ArgumentException($"Every transform's predictions must have {length} values; got {string.Join(", ", predictions.Select(p => p.Length))}.", nameof(predictions));
        var mean = new float[length];
        for (var i = 0; i < length; i++)
        {
            double sum = 0;
            foreach (var prediction in predictions)
                sum += prediction[i];
            mean[i] = (float)(sum / predictions.Count);
        }

        return mean;
    }

    /// <summary>Predicts each image under all eight transforms and averages: <paramref name="predict"/> maps
    /// N·C·side² pixels to N·K predictions.</summary>
    public static float[] Predict(float[] images, int count, int channels, int side, Func<float[], float[]> predict)
    {
        ArgumentNullException.ThrowIfNull(predict);
        var each = new float[Dihedral.Count][];
        for (var t = 0; t < Dihedral.Count; t++)
            each[t] = predict(t == 0 ? images : Dihedral.ApplyAll(images, count, channels, side, t));
        return Average(each);
    }
}
