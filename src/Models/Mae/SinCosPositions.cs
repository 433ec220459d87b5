namespace LensSweep.Models.Mae;

/// <summary>
/// Fixed 2-D sin-cos position table of facebookresearch/mae (util/pos_embed.py), without the CLS row.
/// The first half of the channels encodes the column (w) coordinate and the second half the row, the
/// order MAE's <c>meshgrid(w, h)</c> produces; computed in double as numpy does, then rounded to float.
/// </summary>
public static class SinCosPositions
{
    /// <summary>[gridSize·gridSize, dim] row-major, patch index = row·gridSize + column.</summary>
    public static float[] Table(int dim, int gridSize)
    {
        if (dim <= 0 || dim % 4 != 0)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, "The sin-cos table needs a positive width divisible by 4.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gridSize);

        var table = new float[gridSize * gridSize * dim];
        var half = dim / 2;
        var quarter = dim / 4;
        for (var row = 0; row < gridSize; row++)
        {
            for (var col = 0; col < gridSize; col++)
            {
                var offset = (row * gridSize + col) * dim;
                Fill(table.AsSpan(offset, half), col, quarter);
                Fill(table.AsSpan(offset + half, half), row, quarter);
            }
        }

        return table;
    }

    private static void Fill(Span<float> target, double position, int quarter)
    {
        for (var k = 0; k < quarter; k++)
        {
            var omega = 1.0 / Math.Pow(10000.0, k / (double)quarter);
            target[k] = (float)Math.Sin(position * omega);
            target[quarter + k] = (float)Math.Cos(position * omega);
        }
    }
}
