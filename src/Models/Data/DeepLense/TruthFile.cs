using System.Globalization;
using System.Text;

namespace LensSweep.Models.Data.DeepLense;

/// <summary>
/// <c>truth.csv</c> at the root of a DeepLense folder: the physical truth behind each image, so a folder
/// written by <c>lenssweep data simulate</c> (or by any simulation pipeline) can be scored by the ridge
/// probes of truth as simulated data is. Columns: <c>file</c> (the image's path under the root, e.g.
/// <c>cdm/12.npy</c>, '/'-separated) then any of <see cref="LensTruths.All"/>; an empty cell is unknown.
/// </summary>
public static class TruthFile
{
    public const string FileName = "truth.csv";

    private const string FileColumn = "file";

    public static void Write(string root, IReadOnlyList<string> files, LensTruths truths)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(truths);
        var columns = LensTruths.All.Where(truths.Columns.ContainsKey).ToList();
        var text = new StringBuilder();
        text.AppendJoin(',', columns.Prepend(FileColumn)).Append('\n');
        for (var i = 0; i < files.Count; i++)
        {
            text.Append(files[i]);
            foreach (var column in columns)
            {
                var value = truths.Columns[column][i];
                text.Append(',').Append(double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : string.Empty);
            }

            text.Append('\n');
        }

        File.WriteAllText(Path.Combine(root, FileName), text.ToString());
    }

    /// <summary>The truth columns the folder's file declares; empty when it has none.</summary>
    /// <exception cref="DatasetException">The file exists but has no header naming a known column.</exception>
    public static IReadOnlyList<string> Columns(string root)
    {
        var path = Path.Combine(root, FileName);
        if (!File.Exists(path))
        {
            return [];
        }

        using var reader = new StreamReader(path);
        return Header(path, reader.ReadLine()).Columns;
    }

    /// <summary>The truths of <paramref name="files"/> (paths under the root, '/'-separated) in that order, or
    /// null when the folder has no truth file. A file the truth file does not list gets NaN.</summary>
    /// <exception cref="DatasetException">A malformed header or row, named by line.</exception>
    public static LensTruths? Read(string root, IReadOnlyList<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var path = Path.Combine(root, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var lines = File.ReadAllLines(path);
        var (columns, indices) = Header(path, lines.Length > 0 ? lines[0] : null);
        var rows = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (var n = 1; n < lines.Length; n++)
        {
            if (lines[n].Length == 0)
            {
                continue;
            }

            var cells = lines[n].Split(',');
            if (cells.Length != indices.Length + 1)
            {
                throw new DatasetException(path, $"line {n + 1} has {cells.Length} cells but the header has {indices.Length + 1}");
            }

            var values = new double[columns.Count];
            for (var c = 0; c < indices.Length; c++)
            {
                var cell = cells[c + 1].Trim();
                if (indices[c] < 0)
                {
                    continue;
                }

                if (cell.Length == 0)
                {
                    values[indices[c]] = double.NaN;
                }
                else if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out values[indices[c]]))
                {
                    throw new DatasetException(path, $"line {n + 1}: '{cell}' in column {columns[indices[c]]} is not a number");
                }
            }

            rows[cells[0].Trim().Replace('\\', '/')] = values;
        }

        return new LensTruths(columns.Select((name, c) => (name, c)).ToDictionary(
            x => x.name,
            x => files.Select(f => rows.TryGetValue(f, out var row) ? row[x.c] : double.NaN).ToArray(),
            StringComparer.Ordinal));
    }

    /// <summary>The known columns and, per header cell after <c>file</c>, its index among them (-1: unknown, ignored).</summary>
    private static (IReadOnlyList<string> Columns, int[] Indices) Header(string path, string? header)
    {
        var cells = header?.Split(',').Select(c => c.Trim()).ToArray() ?? [];
        if (cells.Length < 2 || cells[0] != FileColumn)
        {
            throw new DatasetException(path, $"the first line must be '{FileColumn},' followed by truth columns ({string.Join(", ", LensTruths.All)})");
        }

        var known = cells.Skip(1).Where(LensTruths.All.Contains).Distinct().ToList();
        if (known.Count == 0)
        {
            throw new DatasetException(path, $"no known truth column; known: {string.Join(", ", LensTruths.All)}");
        }

        return (known, [.. cells.Skip(1).Select(c => LensTruths.All.Contains(c) ? known.IndexOf(c) : -1)]);
    }
}
