using System.Globalization;

namespace LensSweep.Models.Data.Fits;

/// <summary>One HDU's header: its 80-character keyword cards, values parsed to strings.</summary>
public sealed class FitsHeader
{
    private readonly Dictionary<string, string> _values;

    internal FitsHeader(Dictionary<string, string> values) => _values = values;

    public IReadOnlyDictionary<string, string> Values => _values;

    public string? this[string keyword] => _values.GetValueOrDefault(keyword);

    public bool Has(string keyword) => _values.ContainsKey(keyword);

    /// <summary>An integer keyword; missing or malformed is an error naming the file.</summary>
    public long Integer(string path, string keyword)
    {
        var text = this[keyword] ?? throw new DatasetException(path, $"FITS header lacks the {keyword} keyword");
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new DatasetException(path, $"FITS keyword {keyword} = '{text}' is not an integer");
    }

    public long IntegerOr(string path, string keyword, long fallback) => Has(keyword) ? Integer(path, keyword) : fallback;

    public double RealOr(string path, string keyword, double fallback)
    {
        var text = this[keyword];
        if (text is null)
        {
            return fallback;
        }

        return double.TryParse(text.Replace('D', 'E'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new DatasetException(path, $"FITS keyword {keyword} = '{text}' is not a number");
    }

    /// <summary>
    /// Parses one card: keyword in columns 1–8, "= " in 9–10, then a quoted string ('' escapes a quote)
    /// or a bare value, either followed by an optional "/ comment".
    /// </summary>
    internal static (string Keyword, string? Value) ParseCard(ReadOnlySpan<char> card)
    {
        var keyword = card[..8].Trim().ToString();
        if (card.Length < 10 || card[8] != '=' || card[9] != ' ')
        {
            return (keyword, null);
        }

        var rest = card[10..].TrimStart();
        if (rest.Length > 0 && rest[0] == '\'')
        {
            var text = new System.Text.StringBuilder();
            for (var i = 1; i < rest.Length; i++)
            {
                if (rest[i] == '\'')
                {
                    if (i + 1 < rest.Length && rest[i + 1] == '\'')
                    {
                        text.Append('\'');
                        i++;
                        continue;
                    }

                    break;
                }

                text.Append(rest[i]);
            }

            // Trailing spaces in a FITS string are not significant.
            return (keyword, text.ToString().TrimEnd());
        }

        var slash = rest.IndexOf('/');
        var value = (slash >= 0 ? rest[..slash] : rest).Trim();
        return (keyword, value.ToString());
    }
}
