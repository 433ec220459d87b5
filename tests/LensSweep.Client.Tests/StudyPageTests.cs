using System.Text.Json;
using LensSweep.Reporting.Leaderboards;
using LensSweep.Reporting.Studies;
using LensSweep.Reporting.Web;

namespace LensSweep.Client.Tests;

public sealed class StudyPageTests
{
    private static readonly IReadOnlyList<ParameterSetting> Parameters = SampleStudy.Trials()[0].Parameters;

    private static StudyResults WithFailure(string reason) =>
        SampleStudy.Results(StudyState.Running) with
        {
            Trials = [.. SampleStudy.Trials(), new TrialTrajectory("quick/trial-9", TrialPhase.Failed, Parameters, [], reason)],
        };

    private static StudySnapshot Running(params LiveTrial[] trials) =>
        new(SampleStudy.Summary(StudyState.Running), trials.Length, 2, trials);

    private static LiveTrial Training(string id = "quick/trial-7") =>
        new(id, TrialPhase.Running, 1, 3, 8, 0.7123, "cpu:1", Parameters) { StepsDone = 5, StepsPerEpoch = 10, StepsPerSecond = 2, Loss = 0.4321, ImagesPerSecond = 64 };

    [Fact]
    public void The_page_leaderboard_has_the_consoles_cells_for_every_row()
    {
        var results = SampleStudy.Results();
        var leaderboard = Leaderboard.Rank(results);

        var view = StudyView.Of(results, Running());

        Assert.Equal(LeaderboardCells.Columns(leaderboard), view.Leaderboard.Columns);
        Assert.Equal(leaderboard.Rows.Select(r => LeaderboardCells.Cells(leaderboard, r)), view.Leaderboard.Rows.Select(r => r.Cells));
    }

    [Fact]
    public void The_html_shows_every_leaderboard_cell()
    {
        var view = StudyView.Of(SampleStudy.Results(), Running());

        var html = StudyPageHtml.Render([view], token: null);

        Assert.All(view.Leaderboard.Rows.SelectMany(r => r.Cells), cell => Assert.Contains($">{System.Net.WebUtility.HtmlEncode(cell)}</td>", html));
    }

    [Fact]
    public void A_running_trial_shows_the_watchs_epoch_percent_and_eta()
    {
        var trial = Training();

        var html = StudyPageHtml.Render([StudyView.Of(SampleStudy.Results(StudyState.Running), Running(trial))], token: null);

        Assert.Contains(">3/8</td>", html);
        Assert.Contains($"{ProgressCells.Percent(trial)}</td>", html);
        Assert.Contains($">{ProgressCells.Remaining(trial)}</td>", html);
        Assert.Contains(">0.4321</td>", html);
    }

    [Fact]
    public void A_running_trials_numbers_are_right_aligned_as_in_the_watch()
    {
        var html = StudyPageHtml.Render([StudyView.Of(SampleStudy.Results(StudyState.Running), Running(Training()))], token: null);

        Assert.Contains("<td class=\"n\">3/8</td>", html);
        Assert.Contains("<td class=\"n\">0.4321</td>", html);
        Assert.Contains("<td>cpu:1</td>", html);
    }

    [Fact]
    public void The_trial_counts_are_printed_in_the_watchs_order()
    {
        var snapshot = Running() with { Study = SampleStudy.Summary(StudyState.Running) with { Trials = new PhaseCounts(1, 2, 3, 4, 5, 6) } };

        var html = StudyPageHtml.Render([StudyView.Of(SampleStudy.Results(StudyState.Running), snapshot)], token: null);

        Assert.Contains("waiting 1 · running 2 · paused 3 · stopped 4 · completed 5 · failed 6", html);
    }

    [Fact]
    public void A_running_trials_cells_follow_the_watchs_columns()
    {
        var cells = ProgressCells.Cells(Training());

        Assert.Equal(ProgressCells.Columns.Count, cells.Count);
        Assert.Equal(["quick/trial-7", "cpu:1", "1", "3/8"], cells.Take(4));
        Assert.Equal(ProgressCells.Percent(Training()), cells[ProgressCells.ProgressColumn]);
    }

    [Fact]
    public void A_failed_trial_is_listed_with_its_reason_html_escaped()
    {
        var html = StudyPageHtml.Render([StudyView.Of(WithFailure("rung 0: <OutOfMemory> & more"), Running())], token: null);

        Assert.Contains("<td>quick/trial-9</td><td>rung 0: &lt;OutOfMemory&gt; &amp; more</td>", html);
    }

    [Fact]
    public void The_figures_are_linked_with_the_token_so_an_img_tag_can_load_them()
    {
        var html = StudyPageHtml.Render([StudyView.Of(SampleStudy.Results(), Running())], token: "a b");
        var stamp = ResultsStamp.Of(SampleStudy.Results());

        Assert.Contains($"src=\"api/studies/quick/scaling.svg?v={stamp}&amp;token=a%20b\"", html);
        Assert.Contains($"src=\"api/studies/quick/trajectories.svg?v={stamp}&amp;token=a%20b\"", html);
    }

    [Fact]
    public void The_page_reloads_itself()
    {
        var html = StudyPageHtml.Render([], token: null);

        Assert.Contains($"<meta http-equiv=\"refresh\" content=\"{StudyPageHtml.RefreshSeconds}\">", html);
        Assert.Contains("No studies yet.", html);
    }

    [Fact]
    public void The_json_holds_the_same_view_in_snake_case()
    {
        var view = StudyView.Of(WithFailure("boom"), Running(Training()));

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(view, StudyPageEndpoints.Json));

        var root = json.RootElement;
        Assert.Equal("quick", root.GetProperty("id").GetString());
        Assert.Equal("3/8", root.GetProperty("running")[0].GetProperty("epoch").GetString());
        Assert.Equal("boom", root.GetProperty("failed")[0].GetProperty("reason").GetString());
        Assert.Equal(view.Leaderboard.Rows.Count, root.GetProperty("leaderboard").GetProperty("rows").GetArrayLength());
        Assert.Equal(view.Leaderboard.Rows[0].Cells[5], root.GetProperty("leaderboard").GetProperty("rows")[0].GetProperty("cells")[5].GetString());
    }

    [Fact]
    public void The_figures_are_linked_with_the_stamp_of_the_results_they_show()
    {
        var view = StudyView.Of(SampleStudy.Results(), Running());

        Assert.All(view.Plots, plot => Assert.EndsWith($".svg?v={ResultsStamp.Of(SampleStudy.Results())}", plot, StringComparison.Ordinal));
    }
}
