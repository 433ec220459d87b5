using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LensSweep.Models.Mae;

namespace LensSweep.Models.Training;

/// <summary>What a checkpoint says about itself, readable without building a model.</summary>
/// <param name="Epoch">Epochs completed when it was written (training resumes in this epoch).</param>
/// <param name="Steps">Optimiser steps completed.</param>
/// <param name="StepInEpoch">Steps of epoch <paramref name="Epoch"/> already done: 0 at an epoch boundary, more
/// when training was stopped inside an epoch (it resumes at that step).</param>
/// <param name="StepsPerEpoch">The epoch's length when it was stopped inside one (0 at a boundary): a resume on
/// data of another size would shuffle differently, so it is refused.</param>
/// <param name="EpochLossSum">Sum of the losses of those <paramref name="StepInEpoch"/> steps, so the resumed
/// epoch's mean loss is the one an uninterrupted run reports.</param>
public sealed record CheckpointHeader(
    MaeConfig Model,
    OptimizerConfig Optimizer,
    long Seed,
    int Epoch,
    long Steps,
    int StepInEpoch = 0,
    int StepsPerEpoch = 0,
    double EpochLossSum = 0)
{
    public bool IsMidEpoch => StepInEpoch > 0;
}

/// <summary>
/// LensSweep MAE checkpoint, version 2, little-endian, in this order:
/// magic "LSWPMAE1" (8 bytes); int32 format version; length-prefixed UTF-8 JSON of the
/// <see cref="MaeConfig"/> (its <c>Objective</c> says which networks follow; absent in checkpoints from before
/// I-JEPA, which read as <c>Mae</c>) and of the <see cref="OptimizerConfig"/>; int64 seed; int32 epoch; int64 steps;
/// (version 2) int32 step in epoch, int32 steps per epoch, float64 loss sum of the epoch so far;
/// the model's state (TorchSharp <c>Module.save</c> format: weights and position buffers; for I-JEPA the
/// context encoder, the EMA target encoder and the predictor); the AdamW state
/// (TorchSharp <c>save_state_dict</c>: step counts and moment estimates); int32 end marker.
/// Version 1 (no step fields) is read as a checkpoint at an epoch boundary.
/// No generator state is stored because the trainer draws each epoch's shuffle from (seed, epoch) and each
/// step's masking noise from (seed, epoch, step) alone: those numbers are the whole random state.
/// </summary>
public static class MaeCheckpoint
{
    private static readonly byte[] Magic = "LSWPMAE1"u8.ToArray();
    private const int FormatVersion = 2;
    private const int FirstVersionWithSteps = 2;
    private const string Kind = "MAE";

    internal static void WriteHeader(BinaryWriter writer, CheckpointHeader header)
    {
        CheckpointFraming.WriteStart(writer, Magic, FormatVersion);
        writer.Write(JsonSerializer.Serialize(header.Model));
        writer.Write(JsonSerializer.Serialize(header.Optimizer));
        writer.Write(header.Seed);
        writer.Write(header.Epoch);
        writer.Write(header.Steps);
        writer.Write(header.StepInEpoch);
        writer.Write(header.StepsPerEpoch);
        writer.Write(header.EpochLossSum);
    }

    internal static void WriteEnd(BinaryWriter writer) => CheckpointFraming.WriteEnd(writer);

    internal static void ReadEnd(BinaryReader reader) => CheckpointFraming.ReadEnd(reader, Kind);

    /// <summary>Reads and checks the header, leaving the stream at the model state.</summary>
    /// <exception cref="InvalidDataException">Not a LensSweep MAE checkpoint, or an unknown version.</exception>
    public static CheckpointHeader ReadHeader(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        try
        {
            var version = CheckpointFraming.ReadStart(reader, Magic, 1, FormatVersion, Kind);
            var model = ReadModelConfig(reader.ReadString())
                        ?? throw new InvalidDataException("MAE checkpoint has an empty model config.");
            var optimizer = JsonSerializer.Deserialize<OptimizerConfig>(reader.ReadString())
                            ?? throw new InvalidDataException("MAE checkpoint has an empty optimiser config.");
            var header = new CheckpointHeader(model, optimizer, reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt64());
            if (version < FirstVersionWithSteps)
                return header;
            header = header with { StepInEpoch = reader.ReadInt32(), StepsPerEpoch = reader.ReadInt32(), EpochLossSum = reader.ReadDouble() };
            if (header.StepInEpoch < 0 || (header.IsMidEpoch && header.StepInEpoch >= header.StepsPerEpoch))
                throw new InvalidDataException($"MAE checkpoint is corrupt: it stopped at step {header.StepInEpoch} of an epoch of {header.StepsPerEpoch} steps.");
            return header;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("MAE checkpoint is truncated: it ends inside its header.", e);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("MAE checkpoint header holds a config that cannot be read.", e);
        }
    }

    /// <summary>The model config as written; a checkpoint from before the loss was a choice holds
    /// <c>NormPixelLoss</c> instead of <c>Loss</c>, and false there was plain MSE.</summary>
    private static MaeConfig? ReadModelConfig(string json)
    {
        if (JsonNode.Parse(json) is JsonObject node && node.Remove("NormPixelLoss", out var normPixelLoss) && !node.ContainsKey(nameof(MaeConfig.Loss)))
        {
            var loss = normPixelLoss?.GetValue<bool>() == false ? ReconstructionLoss.Mse : ReconstructionLoss.MseNormPix;
            node[nameof(MaeConfig.Loss)] = loss.ToString();
            return node.Deserialize<MaeConfig>();
        }

        return JsonSerializer.Deserialize<MaeConfig>(json);
    }

    /// <summary>Refuses a checkpoint pretrained under another objective than <paramref name="expected"/>: its
    /// weights are another set of networks, and mixing them would resume or evaluate the wrong thing.</summary>
    /// <exception cref="InvalidDataException">The objectives differ.</exception>
    public static void EnsureObjective(CheckpointHeader header, PretrainingObjective expected)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.Model.Objective != expected)
            throw new InvalidDataException(
                $"Checkpoint was pretrained with objective '{MaeChoiceNames.Of(header.Model.Objective)}' and cannot be resumed as '{MaeChoiceNames.Of(expected)}': " +
                "start the other objective from scratch, or resume with the checkpoint's own objective.");
    }

    /// <summary>Reads the header of a checkpoint stream (the stream is left open, positioned after it).</summary>
    public static CheckpointHeader ReadHeader(Stream source)
    {
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        return ReadHeader(reader);
    }
}
