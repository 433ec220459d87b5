using System.Globalization;
using System.Text.RegularExpressions;

namespace LensSweep.Models.Data.Fits;

/// <summary>A BINTABLE extension: fixed-width rows of NAXIS1 bytes, columns laid out by TFORMn.</summary>
public sealed partial class FitsBinaryTable
{
    private readonly FitsFile _file;
    private readonly FitsHdu _hdu;

    private FitsBinaryTable(FitsFile file, FitsHdu hdu, IReadOnlyList<FitsColumn> columns, int rowBytes, int rows)
    {
        _file = file;
        _hdu = hdu;
        Columns = columns;
        RowBytes = rowBytes;
        Rows = rows;
    }

    public IReadOnlyList<FitsColumn> Columns { get; }

    public int RowBytes { get; }

    public int Rows { get; }

    internal static FitsBinaryTable From(FitsFile file, FitsHdu hdu)
    {
        var path = file.Path;
        var h = hdu.Header;
        var rowBytes = checked((int)h.Integer(path, "NAXIS1"));
        var rows = checked((int)h.Integer(path, "NAXIS2"));
        var fields = checked((int)h.Integer(path, "TFIELDS"));
        var columns = new List<FitsColumn>(fields);
        var offset = 0;
        for (var n = 1; n <= fields; n++)
        {
            var form = h[$"TFORM{n}"] ?? throw new DatasetException(path, $"FITS table lacks TFORM{n}");
            var match = FormPattern().Match(form);
            if (!match.Success)
            {
                throw new DatasetException(path, $"FITS TFORM{n} = '{form}' is not a table column format");
            }

            var repeat = match.Groups[1].Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 1;
            var code = match.Groups[2].Value[0];
            var bytes = code switch
            {
                'L' or 'B' or 'A' => repeat,
                'X' => (repeat + 7) / 8,
                'I' => 2 * repeat,
                'J' or 'E' => 4 * repeat,
                'K' or 'D' or 'C' => 8 * repeat,
                'M' => 16 * repeat,
                'P' => 8 * repeat,
                'Q' => 16 * repeat,
                _ => throw new DatasetException(path, $"FITS TFORM{n} = '{form}' has unknown type '{code}'"),
            };
            columns.Add(new FitsColumn(h[$"TTYPE{n}"] ?? $"col{n}", code, repeat, offset, ParseDims(path, h[$"TDIM{n}"], n)));
            offset += bytes;
        }

        if (offset != rowBytes)
        {
            throw new DatasetException(path, $"FITS table columns add up to {offset} bytes per row but NAXIS1 = {rowBytes}");
        }

        return new FitsBinaryTable(file, hdu, columns, rowBytes, rows);
    }

    public FitsColumn? FindColumn(string name) =>
        Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>One numeric cell (all <c>repeat</c> elements of a column in one row) as float32.</summary>
    public float[] ReadNumeric(FitsColumn column, int row)
    {
        var path = _file.Path;
        if (row < 0 || row >= Rows)
        {
            throw new DatasetException(path, $"FITS table has {Rows} rows; row {row} does not exist");
        }

        var type = column.Code switch
        {
            'B' => new FitsNumber('B', 1),
            'I' => new FitsNumber('I', 2),
            'J' => new FitsNumber('J', 4),
            'K' => new FitsNumber('K', 8),
            'E' => new FitsNumber('E', 4),
            'D' => new FitsNumber('D', 8),
            _ => throw new DatasetException(path, $"FITS column {column.Name} has type '{column.Code}', not a real or integer array"),
        };
        var values = new float[column.Repeat];
        type.Decode(_file.Data(_hdu).Slice(row * RowBytes + column.Offset, column.Repeat * type.Size), values);
        return values;
    }

    /// <summary>TDIMn = '(d1,d2,…)', fastest-varying first as FITS writes it.</summary>
    private static int[]? ParseDims(string path, string? text, int n)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = text.Trim().TrimStart('(').TrimEnd(')').Split(',', StringSplitOptions.TrimEntries);
        var dims = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]))
            {
                throw new DatasetException(path, $"FITS TDIM{n} = '{text}' is not a list of sizes");
            }
        }

        return dims;
    }

    [GeneratedRegex(@"^\s*(\d+)?([A-Z])")]
    private static partial Regex FormPattern();
}

/// <summary>A table column: name, TFORM type letter and repeat count, byte offset in the row, TDIM if given.</summary>
public sealed record FitsColumn(string Name, char Code, int Repeat, int Offset, int[]? Dims);
