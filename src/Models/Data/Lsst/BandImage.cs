using LensSweep.Models.Data.Fits;

namespace LensSweep.Models.Data.Lsst;

/// <summary>One band's cutout from a challenge FITS file.</summary>
internal sealed record BandImage(float[] Pixels, int Height, int Width)
{
    /// <summary>
    /// The <c>band_{b}</c> column (or an <c>image</c> column) of the first table row, shaped by TDIM or as
    /// a square; failing a table, a 2-D image HDU.
    /// </summary>
    public static BandImage Read(string path, string band)
    {
        var file = FitsFile.Read(path);
        var columnName = $"band_{band}";
        var table = file.FindTableWithColumn(columnName) ?? file.FindTableWithColumn("image");
        if (table is null)
        {
            if (file.FirstImage() is { } image)
            {
                return new BandImage(image.Pixels, image.Height, image.Width);
            }

            var columns = file.Hdus.Where(h => h.Extension == "BINTABLE")
                .SelectMany(h => h.Header.Values.Where(kv => kv.Key.StartsWith("TTYPE", StringComparison.Ordinal)).Select(kv => kv.Value));
            throw new DatasetException(path, $"no {columnName} column and no 2-D image (table columns: {string.Join(", ", columns.DefaultIfEmpty("none"))})");
        }

        var column = table.FindColumn(columnName) ?? table.FindColumn("image")!;
        if (table.Rows < 1)
        {
            throw new DatasetException(path, $"table with column {column.Name} has no rows");
        }

        var pixels = table.ReadNumeric(column, 0);
        var (height, width) = Shape(path, column, pixels.Length);
        return new BandImage(pixels, height, width);
    }

    private static (int Height, int Width) Shape(string path, FitsColumn column, int count)
    {
        if (column.Dims is [var fastest, var slowest] && fastest * slowest == count)
        {
            // TDIM lists the fastest-varying axis first: (width, height).
            return (slowest, fastest);
        }

        if (column.Dims is not null && column.Dims.Aggregate(1, (a, d) => a * d) != count)
        {
            throw new DatasetException(path, $"column {column.Name}'s TDIM ({string.Join(",", column.Dims)}) does not match its {count} values");
        }

        var side = (int)Math.Round(Math.Sqrt(count));
        return side * side == count && side > 0
            ? (side, side)
            : throw new DatasetException(path, $"column {column.Name} holds {count} values, not a square image, and has no 2-D TDIM");
    }
}
