using LensSweep.Models.Data;
using LensSweep.Models.Mae;
using TorchSharp;
using static TorchSharp.torch;

namespace LensSweep.Models.Inspection;

/// <summary>One image's masked reconstruction, first channel, row-major Size×Size.</summary>
/// <param name="Masked">The input with the patches the encoder did not see set to NaN.</param>
/// <param name="Reconstruction">The decoder's prediction of every patch, in the input's pixel units.</param>
public sealed record ReconstructionSample(float[] Input, float[] Masked, float[] Reconstruction, int Size, int Label);

/// <summary>Where one image's last encoder block looks, per patch of the Grid×Grid patch grid.</summary>
/// <param name="Heads">One map per head, then their mean last; each sums to 1 over the patches.</param>
/// <param name="Input">The image's first channel, row-major Size×Size.</param>
public sealed record AttentionSample(float[] Input, int Size, int Grid, IReadOnlyList<float[]> Heads, int Label);

/// <summary>
/// What a trained MAE learned, as numbers for figures: masked reconstructions, the last block's attention,
/// and the pooled features of many images. Everything runs without gradients, deterministic for a seed.
/// </summary>
public static class EncoderInspection
{
    /// <summary>
    /// The first <paramref name="count"/> images masked as in pretraining (masks from <paramref name="seed"/>)
    /// and reconstructed. A model trained on per-patch normalised pixels predicts normalised patches; they
    /// are put back in pixel units with each true patch's mean and variance, as MAE's own visualisation does
    /// (so a reconstruction shows structure, while its brightness per patch comes from the truth).
    /// </summary>
    public static IReadOnlyList<ReconstructionSample> Reconstruct(MaeModel model, LensDataset images, int count, long seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        var c = model.Config;
        count = Math.Min(count, images.Count);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var noise = new Generator((ulong)seed, CPU);
        var input = Batch(images, count, c);
        var (prediction, mask) = model.Reconstruct(input, noise);
        if (c.Loss == ReconstructionLoss.MseNormPix)
        {
            var target = model.Patchify(input);
            var mean = target.mean([-1], keepdim: true);
            var variance = target.var(-1, unbiased: true, keepdim: true);
            prediction = (prediction * (variance + 1e-6).sqrt()) + mean;
        }
        else if (c.Loss == ReconstructionLoss.Bce)
        {
            // Logits of the [0, 1]-scaled image: through the sigmoid, then back with the image's own min and range.
            var (_, min, range) = MaeModel.UnitScale(input);
            prediction = (prediction.sigmoid() * range.reshape(count, 1, 1)) + min.reshape(count, 1, 1);
        }

        var pixels = prediction.contiguous().data<float>().ToArray();
        var masked = mask.contiguous().data<float>().ToArray();
        var samples = new List<ReconstructionSample>(count);
        var (size, p, g, channels) = (c.ImageSize, c.PatchSize, c.ImageSize / c.PatchSize, c.Channels);
        var patchValues = p * p * channels;
        for (var n = 0; n < count; n++)
        {
            var original = images.Image(n)[..(size * size)].ToArray();
            var hidden = (float[])original.Clone();
            var reconstruction = new float[size * size];
            for (var patch = 0; patch < g * g; patch++)
            {
                var isMasked = masked[(n * g * g) + patch] > 0.5f;
                var (top, left) = (patch / g * p, patch % g * p);
                for (var row = 0; row < p; row++)
                {
                    for (var col = 0; col < p; col++)
                    {
                        // Patchify's order inside a patch is (row, column, channel); channel 0 is shown.
                        var value = pixels[(((n * g * g) + patch) * patchValues) + (((row * p) + col) * channels)];
                        var at = ((top + row) * size) + left + col;
                        reconstruction[at] = value;
                        if (isMasked) hidden[at] = float.NaN;
                    }
                }
            }

            samples.Add(new ReconstructionSample(original, hidden, reconstruction, size, images.Labels[n]));
        }

        return samples;
    }

    /// <summary>
    /// The last encoder block's attention for the first <paramref name="count"/> images, unmasked. With a CLS
    /// token a head's map is what the CLS token attends to (ViT's usual picture); without one it is the mean
    /// attention each patch receives over all queries, i.e. which patches the block reads most.
    /// </summary>
    public static IReadOnlyList<AttentionSample> Attention(MaeModel model, LensDataset images, int count)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        var c = model.Config;
        count = Math.Min(count, images.Count);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var weights = model.LastBlockAttention(Batch(images, count, c));
        var patches = model.PatchCount;
        var perPatch = c.UseClsToken
            ? weights.select(2, 0).narrow(2, 1, patches)   // [B, H, L]: the CLS query's row, patches only
            : weights.mean([2]);                           // [B, H, L]: each key's mean over queries
        if (c.UseClsToken)
        {
            perPatch = perPatch / perPatch.sum([-1], keepdim: true);   // renormalise without the CLS key
        }

        var withMean = cat([perPatch, perPatch.mean([1], keepdim: true)], 1).contiguous();
        var values = withMean.data<float>().ToArray();
        var maps = (int)withMean.shape[1];
        var size = c.ImageSize;
        var samples = new List<AttentionSample>(count);
        for (var n = 0; n < count; n++)
        {
            var heads = Enumerable.Range(0, maps).Select(h => values.AsSpan(((n * maps) + h) * patches, patches).ToArray()).ToList();
            samples.Add(new AttentionSample(images.Image(n)[..(size * size)].ToArray(), size, c.ImageSize / c.PatchSize, heads, images.Labels[n]));
        }

        return samples;
    }

    /// <summary>Mean-pooled patch tokens of the last block (the probe's default features), [N, EmbedDim] row-major, in batches.</summary>
    public static float[] Features(MaeModel model, LensDataset images, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        var c = model.Config;
        var features = new float[images.Count * c.EmbedDim];
        using var _ = no_grad();
        for (var start = 0; start < images.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var length = Math.Min(batchSize, images.Count - start);
            var batch = tensor(images.Images.AsSpan(start * images.PixelsPerImage, length * images.PixelsPerImage).ToArray(), [length, c.Channels, c.ImageSize, c.ImageSize]);
            var pooled = model.PooledFeatures(batch, FeaturePooling.MeanPatchTokens).contiguous();
            pooled.data<float>().ToArray().CopyTo(features, start * c.EmbedDim);
        }

        return features;
    }

    private static Tensor Batch(LensDataset images, int count, MaeConfig c)
    {
        if (images.Channels != c.Channels || images.Height != c.ImageSize || images.Width != c.ImageSize)
        {
            throw new ArgumentException(
                $"The images are {images.Channels}×{images.Height}×{images.Width}, the encoder takes {c.Channels}×{c.ImageSize}×{c.ImageSize}.", nameof(images));
        }

        return tensor(images.Images.AsSpan(0, count * images.PixelsPerImage).ToArray(), [count, c.Channels, c.ImageSize, c.ImageSize]);
    }
}
