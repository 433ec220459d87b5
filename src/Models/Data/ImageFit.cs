namespace LensSweep.Models.Data;

/// <summary>
/// How images read from files are brought to the study's <see cref="DatasetOptions.ImageSize"/> once, at load.
/// LSST challenge cutouts are 41×41, which no patch size above 1 divides; the challenge's ViT entries upsample them.
/// </summary>
public enum ImageFit
{
    /// <summary>Keep the central square of the wanted side (the images must be at least that large).</summary>
    Crop,

    /// <summary>Centre the image on a border of zeros, the mean of a standardised image (it must be at most that large).</summary>
    Pad,

    /// <summary>Bilinear resampling to the wanted side (PyTorch's <c>interpolate(mode="bilinear", align_corners=False)</c>).</summary>
    Resize,
}
