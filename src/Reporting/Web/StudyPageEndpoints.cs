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
        var page = app.MapGroup("");
        page.AddEndpointFilter(async (context, next) =>
            token is null || HasToken(context.HttpContext.Request, token) ? await next(context) : Results.Unauthorized());

        page.MapGet("/", async (HttpContext http, CancellationToken cancellationToken) =>
            Results.Content(StudyPageHtml.Render(await Source(http).AllAsync(cancellationToken), token), "text/html; charset=utf-8"));
        page.MapGet("/api/studies", async (HttpContext http, CancellationToken cancellationToken) =>
            Results.Json(await Source(http).AllAsync(cancellationToken), Json));
        page.MapGet("/api/studies/{id}", async (string id, HttpContext http, CancellationToken cancellationToken) =>
            await Source(http).FindAsync(id, cancellationToken) is { } view ? Results.Json(view, Json) : UnknownStudy(id));
        page.MapGet("/api/studies/{id}/{figure}.svg", async (string id, string figure, HttpContext http, CancellationToken cancellationToken) =>
        {
            if (!StudyFigures.Names.Contains(figure))
            {
                return Results.NotFound($"no figure '{figure}'; the figures are {string.Join(", ", StudyFigures.Names)}\n");
            }

            return await Source(http).ResultsAsync(id, cancellationToken) is { } results
                ? Results.Text(StudyFigures.Draw(figure, results)!.ToSvg(), "image/svg+xml")
                : UnknownStudy(id);
        });
        return app;
    }

    private static StudyPageSource Source(HttpContext http) =>
        new(new StudyReader(http.RequestServices.GetRequiredService<IGrainFactory>()));

    private static IResult UnknownStudy(string id) => Results.NotFound($"no study '{id}'\n");

    private static bool HasToken(HttpRequest request, string token)
    {
        var header = request.Headers.Authorization.ToString();
        var given = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : request.Query["token"].ToString();
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token));
    }
}
