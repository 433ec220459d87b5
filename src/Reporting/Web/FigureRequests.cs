using LensSweep.Reporting.Studies;

namespace LensSweep.Reporting.Web;

/// <summary>What the study page answers to a figure request, as plain values (the endpoint only copies them onto
/// the response).</summary>
/// <param name="Status">200, 304 or 404.</param>
/// <param name="Body">The SVG (200) or what is not found (404); null for 304.</param>
/// <param name="ETag">The quoted results stamp; null for 404.</param>
/// <param name="CacheControl">How long the browser may keep it; null for 404.</param>
public sealed record FigureAnswer(int Status, string? Body, string? ETag, string? CacheControl);

/// <summary>
/// How the study page answers <c>/api/studies/{id}/{figure}.svg</c>. The page links each figure with its results
/// stamp (<c>?v=STAMP</c>, <see cref="StudyFigures.Path"/>), and a figure of a given stamp never changes, so it is
/// answered with immutable caching: a refresh whose stamp has not changed costs the browser no figure request, and
/// a silo that drew that figure already answers without reading the study. An unversioned request, or one for a
/// stamp the results have moved past, gets the current figure, its ETag and <c>no-cache</c> (304 when the browser
/// holds that ETag, before anything is drawn).
/// </summary>
public static class FigureRequests
{
    /// <summary>The query parameter that carries the results stamp.</summary>
    public const string VersionParameter = "v";

    /// <summary>A versioned figure: kept for a year without asking again (private: the page may want a token).</summary>
    public const string Immutable = "private, max-age=31536000, immutable";

    /// <summary>An unversioned figure: kept, but asked about again on every use.</summary>
    public const string Revalidate = "no-cache";

    /// <param name="version">The <see cref="VersionParameter"/> of the request; null when absent.</param>
    /// <param name="ifNoneMatch">The request's <c>If-None-Match</c> header (a comma-separated list of ETags); null when absent.</param>
    /// <param name="readResults">Reads the study's results now; null when the cluster has no such study. Not called
    /// for a versioned figure <paramref name="cache"/> holds.</param>
    public static async Task<FigureAnswer> AnswerAsync(
        string studyId, string figure, string? version, string? ifNoneMatch, FigureCache cache, Func<Task<StudyResults?>> readResults)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(readResults);
        if (!StudyFigures.Names.Contains(figure))
        {
            return new FigureAnswer(404, $"no figure '{figure}'; the figures are {string.Join(", ", StudyFigures.Names)}\n", null, null);
        }

        if (!string.IsNullOrEmpty(version) && cache.Find(studyId, figure, version) is { } kept)
        {
            return new FigureAnswer(200, kept.Svg, ETagOf(kept.Stamp), Immutable);
        }

        if (await readResults() is not { } results)
        {
            return new FigureAnswer(404, $"no study '{studyId}'\n", null, null);
        }

        var stamp = ResultsStamp.Of(results);
        var etag = ETagOf(stamp);
        var versioned = version == stamp;
        if (!versioned && Holds(ifNoneMatch, etag))
        {
            // A browser that holds this figure is answered before anything is drawn (a silo with a cold cache included).
            return new FigureAnswer(304, null, etag, Revalidate);
        }

        var drawn = cache.Get(figure, results, stamp, () => StudyFigures.Draw(figure, results)!.ToSvg());
        return new FigureAnswer(200, drawn.Svg, etag, versioned ? Immutable : Revalidate);
    }

    public static string ETagOf(string stamp) => $"\"{stamp}\"";

    private static bool Holds(string? ifNoneMatch, string etag) =>
        ifNoneMatch is not null && ifNoneMatch.Split(',', StringSplitOptions.TrimEntries).Any(tag => tag == etag || tag == "*");
}
