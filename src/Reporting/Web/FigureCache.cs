using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using LensSweep.Reporting.Studies;

namespace LensSweep.Reporting.Web;

/// <summary>
/// The study page's figures as last drawn, per study and figure, kept until the study's results change. A page open
/// in a browser asks for both figures on every refresh (every 2 s), and drawing them is the costly part of a request;
/// results change only when a trial reports a rung, fails or finishes.
/// </summary>
public sealed class FigureCache
{
    private readonly ConcurrentDictionary<(string Study, string Figure), DrawnFigure> _drawn = new();

    /// <summary>The figure drawn from <paramref name="results"/>: the one kept when its results are unchanged,
    /// otherwise <paramref name="draw"/>'s, kept for next time.</summary>
    public DrawnFigure Get(string figure, StudyResults results, Func<string> draw) =>
        Get(figure, results, ResultsStamp.Of(results), draw);

    /// <summary>The figure last drawn for the study when it was drawn from results of <paramref name="stamp"/>;
    /// null otherwise. Nothing is read or drawn.</summary>
    public DrawnFigure? Find(string studyId, string figure, string stamp) =>
        _drawn.TryGetValue((studyId, figure), out var kept) && kept.Stamp == stamp ? kept : null;

    /// <param name="stamp">The <see cref="ResultsStamp"/> of <paramref name="results"/>, when the caller has it already.</param>
    public DrawnFigure Get(string figure, StudyResults results, string stamp, Func<string> draw)
    {
        var key = (results.Study.StudyId, figure);
        if (_drawn.TryGetValue(key, out var kept) && kept.Stamp == stamp)
        {
            return kept;
        }

        var drawn = new DrawnFigure(stamp, draw());
        _drawn[key] = drawn;
        return drawn;
    }
}

/// <param name="Stamp">The <see cref="ResultsStamp"/> of the results it was drawn from; the response's ETag.</param>
public sealed record DrawnFigure(string Stamp, string Svg);

/// <summary>
/// A short hash of everything in a study's results and of the code that draws them: equal results give equal
/// stamps in any process of the same build, so a browser's <c>If-None-Match</c> matches on whichever silo answers;
/// a new build gives new stamps, so a figure a browser keeps as immutable is never one an older build drew.
/// </summary>
public static class ResultsStamp
{
    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The drawing code's identity: the module version id of this assembly, which a deterministic build
    /// derives from its content (its references' versions included), so it changes when the drawing does.</summary>
    private static readonly byte[] DrawingVersion = typeof(ResultsStamp).Assembly.ManifestModule.ModuleVersionId.ToByteArray();

    public static string Of(StudyResults results)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(DrawingVersion);
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(results, Json));
        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 12));
    }
}
