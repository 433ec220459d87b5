using System.Text.Json.Serialization;

namespace LensSweep.Models.Mae;

/// <summary>What the MAE's reconstruction of a masked patch is scored against, and how.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReconstructionLoss>))]
public enum ReconstructionLoss
{
    /// <summary>Mean squared error against the pixels as they are.</summary>
    Mse,

    /// <summary>Mean squared error against each patch normalised to zero mean and unit variance
    /// (upstream MAE's <c>norm_pix_loss</c>); the reference configuration's.</summary>
    MseNormPix,

    /// <summary>Mean absolute error against the pixels as they are: less pulled by a few bright pixels.</summary>
    L1,

    /// <summary>Binary cross-entropy with logits against each image min–max scaled to [0, 1] (the readers
    /// standardise images to zero mean and unit spread, so the scaling is done here, per image, over all its
    /// pixels and channels): the prediction is a logit per pixel. The DeepLense plan reports visibly better
    /// reconstructions with it than with MSE.</summary>
    Bce,
}
