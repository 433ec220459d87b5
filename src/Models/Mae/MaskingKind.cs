using System.Text.Json.Serialization;

namespace LensSweep.Models.Mae;

/// <summary>Which patches a masked pass hides; every kind hides exactly L − <see cref="MaeConfigValidation.KeptCount"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MaskingKind>))]
public enum MaskingKind
{
    /// <summary>MAE's per-sample uniform shuffle (He et al. 2022): every patch equally likely.</summary>
    Random,

    /// <summary>Contiguous square blocks of patches placed at random until the masked count is reached
    /// (BEiT/SimMIM block-wise masking): whole arcs disappear, not scattered pixels of them.</summary>
    Block,

    /// <summary>Patches with high pixel variance are masked preferentially (the lensed arcs rather than the
    /// empty sky), sharpened or flattened by <see cref="MaeConfig.MaskingTemperature"/>.</summary>
    Informed,
}
