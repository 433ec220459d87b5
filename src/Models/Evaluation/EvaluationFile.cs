using System.Text;

namespace LensSweep.Models.Evaluation;

/// <summary>
/// An <see cref="EvaluationResult"/> with its bootstrap draws as a small binary file: the random-init
/// scores a trial keeps beside its checkpoints so each rung end can bootstrap its gain paired
/// (<see cref="PairedGain"/>). Layout: "LSEV", version, then per split (validation, test) a metric count and
/// per metric its name, value, bounds and draws, little-endian.
/// </summary>
public static class EvaluationFile
{
    private const int Magic = 0x5645534C; // "LSEV"
    private const int Version = 1;

    public static void Write(Stream output, EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(result);
        using var writer = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        foreach (var split in new[] { result.Validation, result.Test })
        {
            writer.Write(split.Count);
            foreach (var (name, metric) in split.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                writer.Write(name);
                writer.Write(metric.Value);
                writer.Write(metric.Low);
                writer.Write(metric.High);
                writer.Write(metric.Resamples.Count);
                foreach (var draw in metric.Resamples)
                {
                    writer.Write(draw);
                }
            }
        }
    }

    /// <exception cref="InvalidDataException">The stream is not an evaluation file of a version this code reads.</exception>
    public static EvaluationResult Read(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var reader = new BinaryReader(input, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (reader.ReadInt32() != Magic)
            {
                throw new InvalidDataException("This is not a LensSweep evaluation file (its first bytes are not \"LSEV\").");
            }

            var version = reader.ReadInt32();
            if (version != Version)
            {
                throw new InvalidDataException($"This evaluation file has version {version}; this LensSweep reads version {Version}.");
            }

            return new EvaluationResult(ReadSplit(reader), ReadSplit(reader));
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The evaluation file ends early: it was cut while it was written.", e);
        }
    }

    private static Dictionary<string, MetricValue> ReadSplit(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        var metrics = new Dictionary<string, MetricValue>(count, StringComparer.Ordinal);
        for (var m = 0; m < count; m++)
        {
            var name = reader.ReadString();
            double value = reader.ReadDouble(), low = reader.ReadDouble(), high = reader.ReadDouble();
            var draws = new double[reader.ReadInt32()];
            for (var b = 0; b < draws.Length; b++)
            {
                draws[b] = reader.ReadDouble();
            }

            metrics[name] = new MetricValue(value, low, high) { Resamples = draws };
        }

        return metrics;
    }
}
