using System.Text.Json;
using LensSweep.Models.Data.Npy;
using LensSweep.Models.Export;
using LensSweep.Models.Mae;
using LensSweep.Models.Training;
using static TorchSharp.torch;

namespace LensSweep.Models.Tests.Export;

public sealed class EncoderExportTests : IDisposable
{
    private static readonly ExportProvenance Provenance = new("test", Epoch: 2, Steps: 10, Seed: 7);

    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-export-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_encoder_carries_the_names_of_facebookresearch_mae()
    {
        using var model = new MaeModel(TinyModels.Config with { Depth = 2 }, seed: 3);
        var names = ExportedNames(model);
        string[] perBlock = ["norm1.weight", "norm1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight", "attn.proj.bias",
            "norm2.weight", "norm2.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias"];
        var expected = new[] { "patch_embed.proj.weight", "patch_embed.proj.bias", "pos_embed", "norm.weight", "norm.bias" }
            .Concat(Enumerable.Range(0, 2).SelectMany(b => perBlock.Select(p => $"blocks.{b}.{p}")))
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_decoder_and_mask_token_are_left_out()
    {
        using var model = new MaeModel(TinyModels.Config, seed: 3);
        var names = ExportedNames(model);
        Assert.Contains(model.state_dict().Keys, k => k.StartsWith("decoder_", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("decoder_", StringComparison.Ordinal) || n == "mask_token");
    }

    [Fact]
    public void With_a_cls_token_pos_embed_gains_mae_s_zero_cls_row()
    {
        using var model = new MaeModel(TinyModels.Config with { UseClsToken = true }, seed: 3);
        var tensors = EncoderExport.StateDict(model);
        var table = tensors["pos_embed"];
        Assert.Equal(new long[] { 1, 1 + model.PatchCount, model.Config.EmbedDim }, table.shape);
        Assert.Equal(0f, table[0, 0].abs().max().item<float>());
        Assert.True(table[0, 1].abs().max().item<float>() > 0);
        Assert.Contains("cls_token", tensors.Keys);
        Dispose(tensors);
    }

    [Theory]
    [InlineData(EncoderExport.StateDictFile, false)]
    [InlineData(EncoderExport.SafetensorsFile, false)]
    [InlineData(EncoderExport.StateDictFile, true)]
    [InlineData(EncoderExport.SafetensorsFile, true)]
    public void Every_tensor_read_back_equals_the_model_s(string file, bool clsToken)
    {
        using var model = TrainedModel(TinyModels.Config with { UseClsToken = clsToken });
        var written = EncoderExport.Write(model, Provenance, _folder);
        var expected = EncoderExport.StateDict(model);
        var read = EncoderExport.Read(Path.Combine(_folder, file));

        Assert.Equal(expected.Count, written.TensorCount);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, tensor) in expected)
        {
            Assert.Equal(tensor.dtype, read[name].dtype);
            Assert.True(tensor.shape.SequenceEqual(read[name].shape), $"{name}: shape [{string.Join(", ", read[name].shape)}], expected [{string.Join(", ", tensor.shape)}]");
            Assert.True(Same(tensor, read[name]), $"{name} differs after the round trip");
        }

        Dispose(expected);
        Dispose(read);
    }

    [Fact]
    public void The_config_names_the_shape_under_mae_s_keywords()
    {
        var config = TinyModels.Config with { Depth = 2 };
        using var model = new MaeModel(config, seed: 3);
        var written = EncoderExport.Write(model, Provenance, _folder);
        using var json = JsonDocument.Parse(File.ReadAllText(written.Config));
        var root = json.RootElement;
        Assert.Equal(config.ImageSize, root.GetProperty("img_size").GetInt32());
        Assert.Equal(config.PatchSize, root.GetProperty("patch_size").GetInt32());
        Assert.Equal(config.Channels, root.GetProperty("in_chans").GetInt32());
        Assert.Equal(config.EmbedDim, root.GetProperty("embed_dim").GetInt32());
        Assert.Equal(2, root.GetProperty("depth").GetInt32());
        Assert.Equal(config.Heads, root.GetProperty("num_heads").GetInt32());
        Assert.Equal("mae", root.GetProperty("objective").GetString());
        Assert.Equal(written.TensorCount, root.GetProperty("tensors").EnumerateObject().Count());
    }

    [Fact]
    public void The_config_of_an_ijepa_encoder_names_its_objective_and_predictor()
    {
        var config = TinyModels.Config with { Objective = PretrainingObjective.Ijepa };
        using var ijepa = new LensSweep.Models.Ijepa.IjepaModel(config, seed: 3);
        var written = EncoderExport.Write(ijepa.TargetEncoder, Provenance, _folder);
        using var json = JsonDocument.Parse(File.ReadAllText(written.Config));
        var root = json.RootElement;

        Assert.Equal("ijepa", root.GetProperty("objective").GetString());
        Assert.Equal(config.DecoderDepth, root.GetProperty("pretraining").GetProperty("pred_depth").GetInt32());
        Assert.False(root.GetProperty("pretraining").TryGetProperty("mask_ratio", out _));
    }

    [Fact]
    public void Sample_features_are_the_encoder_s_tokens_for_the_sample_images()
    {
        using var model = new MaeModel(TinyModels.Config, seed: 3);
        model.eval();
        var data = TinyModels.Dataset(perClass: 1, seed: 5);
        var samples = EncoderExport.WriteSamples(model, data.Images, data.Count, _folder);

        var features = NpyFile.Read(samples.Features);
        using var expected = model.EncodeAll(tensor(data.Images, [data.Count, 1, 32, 32]));
        Assert.Equal(expected.shape.Select(d => (int)d), features.Shape);
        Assert.Equal(expected.data<float>().ToArray(), features.Data);
        Assert.Equal(data.Images, NpyFile.Read(samples.Images).Data);
    }

    [Fact]
    public void A_model_read_from_its_checkpoint_exports_the_trained_weights()
    {
        using var trainer = new MaeTrainer(TinyModels.Config, TinyModels.Optimizer, seed: 11);
        trainer.Train(TinyModels.Dataset(perClass: 4, seed: 2), toEpoch: 1);
        using var checkpoint = new MemoryStream();
        trainer.SaveCheckpoint(checkpoint);
        checkpoint.Position = 0;

        using var loaded = TrainedEncoder.Load(checkpoint);
        var fromCheckpoint = EncoderExport.StateDict(loaded.Model);
        var trained = EncoderExport.StateDict(trainer.Model);
        using var untrainedModel = new MaeModel(TinyModels.Config, seed: 11);
        var untrained = EncoderExport.StateDict(untrainedModel);

        Assert.Equal(1, loaded.Header.Epoch);
        Assert.All(trained, t => Assert.True(Same(t.Value, fromCheckpoint[t.Key]), t.Key));
        Assert.False(Same(trained["blocks.0.attn.qkv.weight"], untrained["blocks.0.attn.qkv.weight"]));
        Dispose(fromCheckpoint);
        Dispose(trained);
        Dispose(untrained);
    }

    [Fact]
    public void A_stream_that_is_not_a_checkpoint_is_refused_plainly()
    {
        using var junk = new MemoryStream("not a checkpoint at all"u8.ToArray());
        var error = Assert.Throws<InvalidDataException>(() => TrainedEncoder.Load(junk));
        Assert.Contains("not a LensSweep MAE checkpoint", error.Message, StringComparison.Ordinal);
    }

    private static MaeModel TrainedModel(MaeConfig config)
    {
        // Weights a few steps from their initial values, so zero biases and unit norms are not what is compared.
        var model = new MaeModel(config, seed: 5);
        using var _ = no_grad();
        foreach (var parameter in model.parameters())
        {
            parameter.add_(randn_like(parameter) * 0.01);
        }

        return model;
    }

    private static bool Same(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var equal = a.eq(b).all();
        return equal.item<bool>();
    }

    private static string[] ExportedNames(MaeModel model)
    {
        var tensors = EncoderExport.StateDict(model);
        var names = tensors.Keys.ToArray();
        Dispose(tensors);
        return names;
    }

    private static void Dispose(Dictionary<string, Tensor> tensors)
    {
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }
    }
}
