using System.Globalization;
using System.Net;
using System.Text;
using LensSweep.Reporting.Leaderboards;
using LensSweep.Reporting.Studies;

namespace LensSweep.Reporting.Web;

/// <summary>
/// The study page: every study's leaderboard, running trials and failures, and its figures, as one HTML document
/// that reloads itself (a meta refresh, so no script is needed). It writes what <see cref="StudyView"/> holds, nothing more.
/// </summary>
public static class StudyPageHtml
{
    public const int RefreshSeconds = 2;

    /// <param name="token">Appended to the figures' addresses (<c>&amp;token=</c>) when the page needs one; the reload keeps the page's own query.</param>
    public static string Render(IReadOnlyList<StudyView> studies, string? token)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="{RefreshSeconds}">
            <title>LensSweep studies</title>
            <style>
            body{"{"}font-family:sans-serif;margin:1.5em;color:#222;background:#fff{"}"}
            table{"{"}border-collapse:collapse;margin:.5em 0 1em{"}"} th,td{"{"}border:1px solid #ccc;padding:.2em .5em{"}"}
            th{"{"}background:#eef{"}"} td.n{"{"}text-align:right;font-variant-numeric:tabular-nums{"}"}
            .completed{"{"}color:#070{"}"} .running{"{"}color:#00a{"}"} .paused{"{"}color:#a60{"}"} .failed{"{"}color:#b00{"}"} .stopped,.waiting{"{"}color:#777{"}"}
            img{"{"}max-width:100%;border:1px solid #ddd;margin:.3em 0{"}"}
            </style></head><body>
            <h1>LensSweep studies</h1>

            """);
        if (studies.Count == 0)
        {
            html.Append("<p>No studies yet.</p>\n");
        }

        foreach (var study in studies)
        {
            Study(html, study, token);
        }

        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void Study(StringBuilder html, StudyView study, string? token)
    {
        var t = study.Trials;
        html.Append(CultureInfo.InvariantCulture, $"""
            <section id="study-{E(study.Id)}">
            <h2>{E(study.Id)} · <span class="{E(study.State)}">{E(study.State)}</span></h2>
            <p>ranked by {E(study.Metric)} · slots {study.SlotsBusy}/{study.SlotsTotal} busy · {string.Join(" · ", t.Ordered().Select(c => $"{Naming.Of(c.Phase)} {c.Count}"))}</p>
            <h3>Leaderboard</h3>

            """);
        var board = study.Leaderboard;
        html.Append("<table class=\"leaderboard\"><tr>");
        foreach (var column in board.Columns)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{E(column)}</th>");
        }

        html.Append("</tr>\n");
        foreach (var row in board.Rows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr data-trial=\"{E(row.TrialId)}\" data-state=\"{E(row.State)}\">");
            for (var i = 0; i < row.Cells.Count; i++)
            {
                var css = board.NumericColumns.Contains(i) ? "n" : i == board.StateColumn ? row.State : "";
                html.Append(CultureInfo.InvariantCulture, $"<td class=\"{E(css)}\">{E(row.Cells[i])}</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n");
        foreach (var note in board.Notes)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{E(note)}</p>\n");
        }

        Running(html, study.Running);
        if (study.Failed.Count > 0)
        {
            html.Append("<h3>Failed trials</h3>\n<table class=\"failed-trials\"><tr><th>trial</th><th>reason</th></tr>\n");
            foreach (var failed in study.Failed)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(failed.TrialId)}</td><td>{E(failed.Reason)}</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        html.Append("<h3>Figures</h3>\n");
        var tokenQuery = token is null ? "" : "token=" + Uri.EscapeDataString(token);
        foreach (var plot in study.Plots)
        {
            var src = tokenQuery.Length == 0 ? plot : plot + (plot.Contains('?', StringComparison.Ordinal) ? "&" : "?") + tokenQuery;
            html.Append(CultureInfo.InvariantCulture, $"<div><img alt=\"{E(plot)}\" src=\"{E(src)}\"></div>\n");
        }

        html.Append("</section>\n");
    }

    private static void Running(StringBuilder html, IReadOnlyList<RunningTrialView> running)
    {
        html.Append("<h3>Running trials</h3>\n");
        if (running.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{E(ProgressCells.NoneRunning)}</p>\n");
            return;
        }

        html.Append("<table class=\"running-trials\"><tr>");
        foreach (var column in ProgressCells.Columns)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{E(column)}</th>");
        }

        html.Append("</tr>\n");
        foreach (var trial in running)
        {
            var bar = trial.Percent is { } percent
                ? string.Create(CultureInfo.InvariantCulture, $"<progress max=\"1\" value=\"{trial.Fraction:0.###}\"></progress> {E(percent)}")
                : "training";
            html.Append(CultureInfo.InvariantCulture, $"<tr data-trial=\"{E(trial.TrialId)}\">");
            for (var i = 0; i < trial.Cells.Count; i++)
            {
                var cell = i == ProgressCells.ProgressColumn ? bar : E(trial.Cells[i]);
                html.Append(CultureInfo.InvariantCulture, $"<td{(ProgressCells.IsNumeric(i) ? " class=\"n\"" : "")}>{cell}</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
