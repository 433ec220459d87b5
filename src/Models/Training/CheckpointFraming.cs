using System.Reflection;

namespace LensSweep.Models.Training;

/// <summary>
/// The frame every LensSweep checkpoint shares (pretraining's <see cref="MaeCheckpoint"/>, fine-tuning's
/// <c>FinetuneTrainer</c>): 8 magic bytes naming the kind, an int32 format version, the kind's own content, and
/// an int32 end marker ("END!"), so a file of another kind, of an unknown version or cut short is refused with
/// a message naming which.
/// </summary>
internal static class CheckpointFraming
{
    private const int EndMarker = 0x454E4421;   // "END!"

    public static void WriteStart(BinaryWriter writer, ReadOnlySpan<byte> magic, int version)
    {
        writer.Write(magic);
        writer.Write(version);
    }

    /// <summary>Reads the magic bytes and the version, which must lie in <paramref name="oldest"/>..<paramref name="newest"/>.</summary>
    /// <param name="kind">The checkpoint's kind in messages, e.g. "MAE".</param>
    /// <exception cref="InvalidDataException">Other magic bytes, or a version outside the range.</exception>
    public static int ReadStart(BinaryReader reader, ReadOnlySpan<byte> magic, int oldest, int newest, string kind)
    {
        if (!reader.ReadBytes(magic.Length).AsSpan().SequenceEqual(magic))
            throw new InvalidDataException($"Stream is not a LensSweep {kind} checkpoint (wrong magic bytes).");
        var version = reader.ReadInt32();
        if (version < oldest || version > newest)
        {
            var readable = oldest == newest ? $"version {newest}" : $"versions {oldest} to {newest}";
            throw new InvalidDataException($"{kind} checkpoint format version {version} is not supported; this build reads {readable}.");
        }

        return version;
    }

    public static void WriteEnd(BinaryWriter writer) => writer.Write(EndMarker);

    /// <exception cref="InvalidDataException">The end marker is not where the content ends.</exception>
    public static void ReadEnd(BinaryReader reader, string kind)
    {
        if (reader.ReadInt32() != EndMarker)
            throw new InvalidDataException($"{kind} checkpoint is truncated or corrupt: its end marker is missing.");
    }

    /// <summary>"Type.Name: checkpoint X, trainer Y" for every property that differs between two records.</summary>
    public static IEnumerable<string> Differences<T>(T checkpoint, T trainer)
    {
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var a = property.GetValue(checkpoint);
            var b = property.GetValue(trainer);
            if (!Equals(a, b)) yield return $"{typeof(T).Name}.{property.Name}: checkpoint {a}, trainer {b}";
        }
    }
}
