using System.Text.RegularExpressions;

namespace LensSweep.Models.Export;

/// <summary>
/// The names an exported encoder's tensors carry: those of facebookresearch/mae's <c>models_mae.py</c>
/// (timm's ViT <c>Block</c>), so its state_dict loads into that encoder with few or no renames. The
/// TorchSharp model already uses MAE's names except in two places: the patch embedding is a bare Conv2d
/// here (MAE's is timm's <c>PatchEmbed</c>, whose conv is <c>proj</c>), and a block's MLP layers sit on
/// the block itself (timm nests them in <c>mlp</c>).
/// </summary>
public static partial class PyTorchNames
{
    /// <summary>The MAE name of one of the model's encoder tensors, or null for a decoder tensor (an
    /// encoder export leaves out the decoder and the mask token, which only pretraining uses).</summary>
    public static string? ForEncoder(string torchSharpName)
    {
        ArgumentNullException.ThrowIfNull(torchSharpName);
        if (torchSharpName.StartsWith("decoder_", StringComparison.Ordinal) || torchSharpName == "mask_token")
        {
            return null;
        }

        if (torchSharpName.StartsWith("patch_embed.", StringComparison.Ordinal))
        {
            return "patch_embed.proj." + torchSharpName["patch_embed.".Length..];
        }

        return BlockMlp().Replace(torchSharpName, "blocks.$1.mlp.$2.");
    }

    [GeneratedRegex(@"^blocks\.(\d+)\.(fc1|fc2)\.")]
    private static partial Regex BlockMlp();
}
