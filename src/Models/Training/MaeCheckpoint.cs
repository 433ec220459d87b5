using System.Reflection;
using System.Text;
using System.Text.Json;
using LensSweep.Models.Mae;

namespace LensSweep.Models.Training;

/// <summary>What a checkpoint says about itself, readable without building a model.</summary>
/// <param name="Epoch">Epochs completed when it was written (training resumes at this epoch).</param>
/// <param name="Steps">Optimiser steps completed.</param>
public sealed record CheckpointHeader(MaeConfig Model, OptimizerConfig Optimizer, long Seed, int Epoch, long Steps);

/// <summary>
/// LensSweep MAE checkpoint, version 1, little-endian, in this order:
/// magic "LSWPMAE1" (8 bytes); int32 format version; length-prefixed UTF-8 JSON of the
/// <see cref="MaeConfig"/> and of the <see cref="OptimizerConfig"/>; int64 seed; int32 epoch; int64 steps;
/// the model's state (TorchSharp <c>Module.save</c> format: weights and position buffers); the AdamW state
/// (TorchSharp <c>save_state_dict</c>: step counts and moment estimates); int32 end marker.
/// No generator state is stored because the trainer draws each epoch's shuffle and masking noise from
/// (seed, epoch) alone; the seed and epoch are the whole random state at an epoch boundary.
/// </summary>
public static class MaeCheckpoint
{
    private static readonly byte[] Magic = "LSWPMAE1"u8.ToArray();
    private const int FormatVersion = 1;
    private const int EndMarker = 0x454E4421;   // "END!"

    internal static void WriteHeader(BinaryWriter writer, CheckpointHeader header)
    {
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(JsonSerializer.Serialize(header.Model));
        writer.Write(JsonSerializer.Serialize(header.Optimizer));
        writer.Write(header.Seed);
        writer.Write(header.Epoch);
        writer.Write(header.Steps);
    }

    internal static void WriteEnd(BinaryWriter writer) => writer.Write(EndMarker);

    internal static void ReadEnd(BinaryReader reader)
    {
        if (reader.ReadInt32() != EndMarker)
            throw new InvalidDataException("MAE checkpoint is truncated or corrupt: its end marker is missing.");
    }

    /// <summary>Reads and checks the header, leaving the stream at the model state.</summary>
    /// <exception cref="InvalidDataException">Not a LensSweep MAE checkpoint, or an unknown version.</exception>
    public static CheckpointHeader ReadHeader(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        try
        {
            var magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
                throw new InvalidDataException("Stream is not a LensSweep MAE checkpoint (wrong magic bytes).");
            var version = reader.ReadInt32();
            if (version != FormatVersion)
                throw new InvalidDataException($"MAE checkpoint format version {version} is not supported; this build reads version {FormatVersion}.");
            var model = JsonSerializer.Deserialize<MaeConfig>(reader.ReadString())
                        ?? throw new InvalidDataException("MAE checkpoint has an empty model config.");
            var optimizer = JsonSerializer.Deserialize<OptimizerConfig>(reader.ReadString())
                            ?? throw new InvalidDataException("MAE checkpoint has an empty optimiser config.");
            return new CheckpointHeader(model, optimizer, reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt64());
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

    /// <summary>Reads the header of a checkpoint stream (the stream is left open, positioned after it).</summary>
    public static CheckpointHeader ReadHeader(Stream source)
    {
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        return ReadHeader(reader);
    }

    /// <summary>"Name: checkpoint X, trainer Y" for every property that differs between two records.</summary>
    internal static IEnumerable<string> Differences<T>(T checkpoint, T trainer)
    {
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var a = property.GetValue(checkpoint);
            var b = property.GetValue(trainer);
            if (!Equals(a, b)) yield return $"{typeof(T).Name}.{property.Name}: checkpoint {a}, trainer {b}";
        }
    }
}
