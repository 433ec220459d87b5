using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LensSweep.Reporting.Studies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LensSweep.Reporting.Web;

/// <summary>
/// The study page's routes, read-only: <c>/</c> (HTML), <c>/api/studies</c>, <c>/api/studies/{id}</c> (the same data as
/// JSON) and <c>/api/studies/{id}/{figure}.svg</c>. Mapped by the silo's HTTP endpoint and by <c>lenssweep run --serve</c>;
/// they read the studies through the <see cref="IGrainFactory"/> of the host's services. Any other method is 405,
/// an unknown study 404, and with a token every route wants <c>Authorization: Bearer TOKEN</c> or <c>?token=TOKEN</c> (401 otherwise).
/// </summary>
public static class StudyPageEndpoints
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <param name="token">Null or empty: no token is asked for.</param>
    public static IEndpointRouteBuilder MapStudyPage(this IEndpointRouteBuilder app, string? token)
    {
        token = string.IsNullOrEmpty(token) ? null : token;
        // One source for every route and request, so what it keeps between requests is kept; made at the first
        // request, once the host's grain factory is up.
        var lazySource = new Lazy<StudyPageSource>(() => new StudyPageSource(new StudyReader(app.ServiceProvider.GetRequiredService<IGrainFactory>())));
        var page = app.MapGroup("");
        page.AddEndpointFilter(async (context, next) =>
            token is null || HasToken(context.HttpContext.Request, token) ? await next(context) : Results.Unauthorized());

        page.MapGet("/", async (CancellationToken cancellationToken) =>
            Results.Content(StudyPageHtml.Render(await lazySource.Value.AllAsync(cancellationToken), token), "text/html; charset=utf-8"));
        page.MapGet("/api/studies", async (CancellationToken cancellationToken) =>
            Results.Json(await lazySource.Value.AllAsync(cancellationToken), Json));
        page.MapGet("/api/studies/{id}", async (string id, CancellationToken cancellationToken) =>
            await lazySource.Value.FindAsync(id, cancellationToken) is { } view ? Results.Json(view, Json) : UnknownStudy(id));
        page.MapGet("/api/studies/{id}/{figure}.svg", async (string id, string figure, HttpContext http, CancellationToken cancellationToken) =>
        {
            var source = lazySource.Value;
            var answer = await FigureRequests.AnswerAsync(
                id,
                figure,
                http.Request.Query[FigureRequests.VersionParameter].FirstOrDefault(),
                http.Request.Headers.IfNoneMatch.Count == 0 ? null : http.Request.Headers.IfNoneMatch.ToString(),
                source.Figures,
                () => source.ResultsAsync(id, cancellationToken));
            if (answer.ETag is not null)
            {
                http.Response.Headers.ETag = answer.ETag;
                http.Response.Headers.CacheControl = answer.CacheControl;
            }

            return answer.Status switch
            {
                StatusCodes.Status200OK => Results.Text(answer.Body, "image/svg+xml"),
                StatusCodes.Status304NotModified => Results.StatusCode(StatusCodes.Status304NotModified),
                _ => Results.NotFound(answer.Body),
            };
        });
        return app;
    }

    private static IResult UnknownStudy(string id) => Results.NotFound($"no study '{id}'\n");

    private static bool HasToken(HttpRequest request, string token)
    {
        var header = request.Headers.Authorization.ToString();
        var given = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : request.Query["token"].ToString();
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token));
    }
}
