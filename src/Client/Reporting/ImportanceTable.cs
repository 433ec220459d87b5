using System.Globalization;
using LensSweep.Grains.Importance;
using Spectre.Console;
using Spectre.Console.Rendering;
using LensSweep.Reporting.Studies;

namespace LensSweep.Client.Reporting;

/// <summary>Which hyperparameter matters, for people: each one's share of the score's variance with a bar, largest first.</summary>
public static class ImportanceTable
{
    /// <summary>Characters of a bar for a share of 100%.</summary>
    public const int BarWidth = 30;

    public const string Heading = "Which hyperparameter matters";

    public static IRenderable Render(StudyResults results, StudyImportance importance)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(importance);
        var estimate = importance.Estimate;
        var metric = Markup.Escape(results.Study.Metric);
        if (!estimate.IsEstimated)
        {
            return new Markup($"[bold]{Heading}[/] for {metric}: not estimated: {Markup.Escape(estimate.Refusal!)}.{Environment.NewLine}");
        }

        var table = new Table()
            .Border(TableBorder.Rounded)
            .Title(string.Create(CultureInfo.InvariantCulture, $"[bold]{Heading}[/] for {metric} · {StudyImportance.RungName(results, estimate.Rung!.Value)}, {estimate.ScoredTrials} trials"))
            .Caption(Caption(importance));
        table.AddColumn("hyperparameter");
        table.AddColumn(new TableColumn("share of variance").RightAligned());
        table.AddColumn(new TableColumn(string.Empty));
        table.AddColumn(new TableColumn(results.Study.Mode == Grains.Scheduling.MetricMode.Max ? "best at (highest)" : "best at (lowest)").RightAligned());
        foreach (var parameter in estimate.Parameters)
        {
            table.AddRow(
                Markup.Escape(parameter.Name),
                Percent(parameter.Share),
                Bar(parameter.Share),
                Markup.Escape(importance.Axis(parameter.Name).Label(parameter.BestAt)));
        }

        table.AddRow("[dim]interactions[/]", $"[dim]{Percent(estimate.Interactions)}[/]", $"[dim]{Bar(estimate.Interactions)}[/]", string.Empty);
        return table;
    }

    /// <summary>A bar of <see cref="BarWidth"/> characters for 100%, to the nearest character.</summary>
    public static string Bar(double share) => new('█', (int)Math.Round(Math.Clamp(share, 0, 1) * BarWidth));

    private static string Percent(double share) => share.ToString("0.0%", CultureInfo.InvariantCulture);

    private static string Caption(StudyImportance importance) =>
        importance.Estimate.Parameters.All(p => p.Share == 0) && importance.Estimate.Interactions == 0
            ? "every scored trial has the same score: no hyperparameter changes it"
            : string.Create(CultureInfo.InvariantCulture, $"fANOVA main effects over a {importance.Options.Trees}-tree random forest fitted to the trials; interactions are what no single hyperparameter explains alone (not split up)");
}
