using System.Text;
using LensSweep.Models.Mae;

namespace LensSweep.Models.Training;

/// <summary>
/// A trained model read back from a checkpoint for looking at or taking out (export, inspect), without the
/// optimiser: the weights are the checkpoint's, the header says what produced them.
/// </summary>
public sealed class TrainedEncoder : IDisposable
{
    private readonly TorchSharp.torch.nn.Module weights;

    private TrainedEncoder(TorchSharp.torch.nn.Module weights, MaeModel model, CheckpointHeader header)
    {
        this.weights = weights;
        Model = model;
        Header = header;
    }

    /// <summary>The encoder: the MAE, or I-JEPA's target encoder (the header's <c>Objective</c> says which).</summary>
    public MaeModel Model { get; }

    public CheckpointHeader Header { get; }

    /// <summary>Reads a checkpoint written by <see cref="MaeTrainer.SaveCheckpoint"/>; the model is on the CPU in eval mode.</summary>
    /// <exception cref="InvalidDataException">Not a LensSweep checkpoint, truncated, or its weights do not fit its own config.</exception>
    public static TrainedEncoder Load(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        var header = MaeCheckpoint.ReadHeader(reader);
        var problems = header.Model.Validate();
        if (problems.Count > 0)
            throw new InvalidDataException("MAE checkpoint holds a model config this build refuses: " + string.Join(" ", problems));
        var (weights, model) = PretrainingObjectives.Build(header.Model, header.Seed);
        try
        {
            // The optimiser state after the weights is left unread: nothing here trains.
            weights.load(reader, strict: true);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or InvalidOperationException)
        {
            weights.Dispose();
            throw new InvalidDataException($"MAE checkpoint's weights cannot be read into the model its header describes: {e.Message}", e);
        }

        weights.eval();
        return new TrainedEncoder(weights, model, header);
    }

    /// <summary>As <see cref="Load(Stream)"/>, from a file.</summary>
    public static TrainedEncoder Load(string path)
    {
        using var file = File.OpenRead(path);
        return Load(file);
    }

    public void Dispose() => weights.Dispose();
}
