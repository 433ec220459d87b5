using System.Collections;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LensSweep.Models.Data.Npy;
using LensSweep.Models.Mae;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace LensSweep.Models.Export;

/// <summary>The files one export wrote.</summary>
/// <param name="StateDict">PyTorch <c>torch.save(state_dict)</c> format (a zip of a pickle and tensor data).</param>
/// <param name="Safetensors">The same tensors as safetensors.</param>
/// <param name="Config">The encoder's configuration as JSON (<see cref="EncoderExport.ConfigJson"/>).</param>
public sealed record ExportedEncoder(string StateDict, string Safetensors, string Config, int TensorCount);

/// <summary>Images and the features the exported encoder gives them, so a port of the encoder can be checked.</summary>
/// <param name="Images">[N, C, H, W] float32 .npy: what the encoder was given.</param>
/// <param name="Features">[N, T, D] float32 .npy: the tokens after the final LayerNorm, no masking.</param>
public sealed record ExportedSamples(string Images, string Features, int Count);

/// <summary>Where a model came from, for the configuration file: free text such as a study and trial.</summary>
/// <remarks>The pretraining objective is not part of it: the configuration file reads it off the encoder's own config.</remarks>
public sealed record ExportProvenance(string Source, int Epoch, long Steps, long Seed);

/// <summary>
/// Takes a trained MAE's encoder out of TorchSharp: its tensors under facebookresearch/mae's names
/// (<see cref="PyTorchNames"/>) as a PyTorch state_dict and as safetensors (both written by
/// TorchSharp.PyBridge), and a JSON of what a PyTorch ViT needs to load them.
/// </summary>
public static class EncoderExport
{
    public const string StateDictFile = "encoder.pt";
    public const string SafetensorsFile = "encoder.safetensors";
    public const string ConfigFile = "encoder.json";
    public const string SampleImagesFile = "samples.npy";
    public const string SampleFeaturesFile = "features.npy";

    /// <summary>The encoder's tensors under MAE's names: detached contiguous CPU copies, the caller disposes them.
    /// With a CLS token, <c>pos_embed</c> gains MAE's all-zero CLS row ([1, 1 + L, D]); without, it is [1, L, D].</summary>
    public static Dictionary<string, Tensor> StateDict(MaeModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var exported = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var _ = no_grad();
        foreach (var (name, tensor) in model.state_dict())
        {
            if (PyTorchNames.ForEncoder(name) is not { } exportName)
            {
                continue;
            }

            var copy = tensor.detach().to(CPU).contiguous().clone();
            if (exportName == "pos_embed" && model.Config.UseClsToken)
            {
                using var table = copy;
                using var clsRow = zeros([1, 1, model.Config.EmbedDim], dtype: table.dtype);
                copy = cat([clsRow, table], 1);
            }

            exported.Add(exportName, copy);
        }

        return exported;
    }

    /// <summary>Writes <see cref="StateDictFile"/>, <see cref="SafetensorsFile"/> and <see cref="ConfigFile"/> into <paramref name="folder"/> (created when missing).</summary>
    public static ExportedEncoder Write(MaeModel model, ExportProvenance provenance, string folder)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(provenance);
        Directory.CreateDirectory(folder);
        var tensors = StateDict(model);
        try
        {
            var paths = new ExportedEncoder(
                Path.Combine(folder, StateDictFile), Path.Combine(folder, SafetensorsFile), Path.Combine(folder, ConfigFile), tensors.Count);
            using (var file = File.Create(paths.StateDict))
            {
                PyTorchPickler.PickleStateDict(file, new Hashtable(tensors), leaveOpen: true);
            }

            using (var file = File.Create(paths.Safetensors))
            {
                Safetensors.SaveStateDict(file, tensors, leaveOpen: true);
            }

            File.WriteAllText(paths.Config, ConfigJson(model.Config, provenance, tensors));
            return paths;
        }
        finally
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>Reads either file back (by its extension) as name → tensor, with PyBridge's readers.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            return Safetensors.LoadStateDict(path);
        }

        using var file = File.OpenRead(path);
        var table = PyTorchUnpickler.UnpickleStateDict(file, leaveOpen: true);
        return table.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (Tensor)e.Value!, StringComparer.Ordinal);
    }

    /// <summary>Runs the encoder (no masking) on <paramref name="images"/> [N, C, H, W] and writes both as .npy.</summary>
    public static ExportedSamples WriteSamples(MaeModel model, float[] images, int count, string folder)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        var c = model.Config;
        int[] imageShape = [count, c.Channels, c.ImageSize, c.ImageSize];
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var input = tensor(images, [.. imageShape.Select(d => (long)d)]);
        var features = model.EncodeAll(input).contiguous();
        var paths = new ExportedSamples(Path.Combine(folder, SampleImagesFile), Path.Combine(folder, SampleFeaturesFile), count);
        NpyFile.Write(paths.Images, images, imageShape);
        NpyFile.Write(paths.Features, features.data<float>().ToArray(), [.. features.shape.Select(d => (int)d)]);
        return paths;
    }

    /// <summary>
    /// The configuration a PyTorch user needs, under the keyword names of MAE's <c>MaskedAutoencoderViT</c>
    /// (img_size, patch_size, in_chans, embed_dim, depth, num_heads, mlp_ratio), plus what MAE fixes and
    /// LensSweep lets vary (cls_token), what produced the weights, and every tensor's shape.
    /// </summary>
    public static string ConfigJson(MaeConfig config, ExportProvenance provenance, IReadOnlyDictionary<string, Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(provenance);
        ArgumentNullException.ThrowIfNull(tensors);
        var shapes = new JsonObject();
        foreach (var (name, tensor) in tensors.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            shapes[name] = new JsonArray([.. tensor.shape.Select(d => JsonValue.Create(d))]);
        }

        var json = new JsonObject
        {
            ["format"] = "lenssweep-encoder/1",
            ["architecture"] = "ViT encoder of facebookresearch/mae models_mae.py (timm Block: pre-LayerNorm, qkv with bias, exact GELU MLP)",
            ["objective"] = MaeChoiceNames.Of(config.Objective),
            ["img_size"] = config.ImageSize,
            ["patch_size"] = config.PatchSize,
            ["in_chans"] = config.Channels,
            ["embed_dim"] = config.EmbedDim,
            ["depth"] = config.Depth,
            ["num_heads"] = config.Heads,
            ["mlp_ratio"] = config.MlpRatio,
            ["mlp_hidden"] = MaeConfigValidation.MlpHidden(config.EmbedDim, config.MlpRatio),
            ["cls_token"] = config.UseClsToken,
            ["norm_eps"] = MaeModel.LayerNormEps,
            ["pos_embed"] = "fixed 2-D sin-cos (MAE util/pos_embed.py), added to the patch tokens" + (config.UseClsToken ? "; row 0 (the CLS token's) is zero" : "; no CLS row"),
            ["features"] = "norm(blocks(patch_embed(x) + pos_embed)) over every patch, no masking: [B, L" + (config.UseClsToken ? " + 1 (CLS first)" : "") + ", embed_dim]",
            ["pretraining"] = Pretraining(config, provenance),
            ["source"] = provenance.Source,
            ["tensors"] = shapes,
        };
        // Relaxed escaping keeps '+' and '×' readable; the file is read by JSON parsers, never embedded in HTML.
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + Environment.NewLine;
    }

    /// <summary>How the weights were pretrained: the settings the objective reads (see <see cref="PretrainingObjective"/>),
    /// under the names upstream code uses for them.</summary>
    private static JsonObject Pretraining(MaeConfig config, ExportProvenance provenance)
    {
        var json = config.Objective == PretrainingObjective.Ijepa
            ? new JsonObject
            {
                ["encoder"] = "target (the EMA of the context encoder), as I-JEPA evaluates",
                ["pred_emb_dim"] = config.DecoderEmbedDim,
                ["pred_depth"] = config.DecoderDepth,
                ["pred_num_heads"] = config.DecoderHeads,
                ["ema"] = new JsonArray(Ijepa.IjepaModel.MomentumStart, Ijepa.IjepaModel.MomentumEnd),
            }
            : new JsonObject
            {
                ["mask_ratio"] = config.MaskRatio,
                ["norm_pix_loss"] = config.Loss == ReconstructionLoss.MseNormPix,
                ["loss"] = MaeChoiceNames.Of(config.Loss),
                ["masking"] = MaeChoiceNames.Of(config.Masking),
                ["decoder_embed_dim"] = config.DecoderEmbedDim,
                ["decoder_depth"] = config.DecoderDepth,
                ["decoder_num_heads"] = config.DecoderHeads,
            };
        json["epochs"] = provenance.Epoch;
        json["steps"] = provenance.Steps;
        json["seed"] = provenance.Seed;
        return json;
    }
}
