using System.Text.Json.Serialization;

namespace LensSweep.Models.Mae;

/// <summary>What the MAE's reconstruction of a masked patch is scored against, and how.</summary>
/// <remarks>No binary cross-entropy: the dataset readers standardise every image to zero mean and unit
/// spread (<see cref="Data.ImageNormalizer"/>), so pixels are not probabilities in [0, 1] and BCE has no
/// target it could be meaningful against.</remarks>
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
}
