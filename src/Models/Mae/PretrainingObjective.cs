using System.Text.Json.Serialization;

namespace LensSweep.Models.Mae;

/// <summary>
/// What the shared ViT encoder is pretrained to do. Both objectives train the same <see cref="MaeModel"/>
/// encoder, so every evaluation, probe, inspection and export reads either kind of checkpoint the same way.
/// </summary>
/// <remarks>
/// The one rule for settings that mean something under one objective only: they are <b>ignored</b> by the
/// other, never refused, and every setting is validated whatever the objective (so a configuration is
/// valid or not on its own, and a search over <c>objective</c> needs no conditional space). Under
/// <see cref="Ijepa"/>: <see cref="MaeConfig.MaskRatio"/>, <see cref="MaeConfig.Masking"/>,
/// <see cref="MaeConfig.MaskingTemperature"/> and <see cref="MaeConfig.Loss"/> are ignored (I-JEPA masks with
/// its own multi-block sampler and scores in representation space), and the decoder settings
/// (<see cref="MaeConfig.DecoderEmbedDim"/>, <see cref="MaeConfig.DecoderDepth"/>, <see cref="MaeConfig.DecoderHeads"/>)
/// size the I-JEPA predictor, its narrow counterpart of the MAE decoder. <see cref="MaeConfig.Objective"/> itself
/// is recorded in every checkpoint, and a checkpoint is never resumed under another objective.
/// </remarks>
[JsonConverter(typeof(JsonStringEnumConverter<PretrainingObjective>))]
public enum PretrainingObjective
{
    /// <summary>Masked autoencoder (He et al. 2022): reconstruct the pixels of masked patches.</summary>
    Mae,

    /// <summary>Image-based joint-embedding predictive architecture (Assran et al. 2023): from one large context
    /// block, a narrow predictor predicts an EMA target encoder's embeddings of several target blocks.</summary>
    Ijepa,
}
