namespace LensSweep.Models.Data;

/// <summary>How an array's shape maps to channels × height × width.</summary>
/// <param name="ChannelsLast">Stored H×W×C (e.g. DeepLense Model IV's (64, 64, 3)); converted on copy.</param>
internal readonly record struct ImageLayout(int Channels, int Height, int Width, bool ChannelsLast)
{
    /// <summary>More channels than this is taken for a spatial axis, not bands.</summary>
    private const int MaxChannels = 16;

    public int Pixels => Channels * Height * Width;

    public string Describe() => $"{Channels}×{Height}×{Width}";

    /// <summary>(H, W), (C, H, W) or (H, W, C); null for any other shape.</summary>
    public static ImageLayout? FromShape(IReadOnlyList<int> shape)
    {
        if (shape.Any(d => d < 1))
        {
            return null;
        }

        return shape.Count switch
        {
            2 => new ImageLayout(1, shape[0], shape[1], false),
            3 when shape[0] <= MaxChannels => new ImageLayout(shape[0], shape[1], shape[2], false),
            3 when shape[2] <= MaxChannels => new ImageLayout(shape[2], shape[0], shape[1], true),
            _ => null,
        };
    }

    public bool SameImageShape(ImageLayout other) => Channels == other.Channels && Height == other.Height && Width == other.Width;

    /// <summary>Copies stored data into C×H×W order.</summary>
    public void CopyTo(ReadOnlySpan<float> stored, Span<float> destination)
    {
        if (!ChannelsLast)
        {
            stored[..Pixels].CopyTo(destination);
            return;
        }

        var plane = Height * Width;
        for (var p = 0; p < plane; p++)
        {
            for (var c = 0; c < Channels; c++)
            {
                destination[c * plane + p] = stored[p * Channels + c];
            }
        }
    }
}
