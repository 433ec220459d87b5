using LensSweep.Models.Data;
using LensSweep.Models.Mae;
using static TorchSharp.torch;

namespace LensSweep.Models.Probing;

/// <summary>Turns a dataset into probe features: frozen encoder tokens, or the raw pixels as a baseline.</summary>
public static class ProbeFeatures
{
    /// <summary>Pooled encoder features with every patch visible (no masking), computed without gradients.</summary>
    public static FeatureSet FromEncoder(MaeModel model, LensDataset data, ProbeConfig config)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(config);
        config.EnsureValid();
        if (data.Channels != model.Config.Channels || data.Height != model.Config.ImageSize || data.Width != model.Config.ImageSize)
            throw new ArgumentException(
                $"Dataset images are {data.Channels}×{data.Height}×{data.Width} but the encoder expects " +
                $"{model.Config.Channels}×{model.Config.ImageSize}×{model.Config.ImageSize}.", nameof(data));

        var device = model.parameters().First().device;
        var layers = config.EncoderLayers is null && config.LastLayers == 1 ? null : config.LayersOf(model.Config);
        var averaged = config.EncoderLayers is null ? config.LastLayers : 1;
        var dimension = model.PooledDimension(config.Pooling, config.RegionGrid, (layers?.Count ?? 1) / averaged);
        var values = new float[(long)data.Count * dimension];
        var pixels = data.PixelsPerImage;
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var _ = no_grad();
            for (var start = 0; start < data.Count; start += config.FeatureBatchSize)
            {
                using var scope = NewDisposeScope();
                var count = Math.Min(config.FeatureBatchSize, data.Count - start);
                var slice = data.Images.AsSpan(start * pixels, count * pixels).ToArray();
                var images = tensor(slice, [count, data.Channels, data.Height, data.Width]).to(device);
                var pooled = model.PooledFeatures(images, config.Pooling, config.RegionGrid, layers);
                // Layers sit side by side in the pooled features: [B, k·d] → [B, k, d], averaged over k.
                var features = (averaged == 1 ? pooled : pooled.reshape(count, averaged, dimension).mean([1])).to(CPU).contiguous();
                features.data<float>().CopyTo(values.AsSpan(start * dimension, count * dimension));
            }
        }
        finally
        {
            if (wasTraining) model.train();
        }

        return new FeatureSet(values, data.Labels, data.Count, dimension, data.ClassNames.Count);
    }

    /// <summary>Every pixel as a feature: the baseline a pretrained encoder has to beat.</summary>
    public static FeatureSet FromPixels(LensDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new FeatureSet(data.Images, data.Labels, data.Count, data.PixelsPerImage, data.ClassNames.Count);
    }
}
