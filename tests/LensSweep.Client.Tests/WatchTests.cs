using LensSweep.Client.Studies;
using LensSweep.Client.Watch;

namespace LensSweep.Client.Tests;

public sealed class WatchTests
{
    [Fact]
    public void Plain_log_writes_a_line_per_trial_change_and_per_summary_change_only()
    {
        var output = new StringWriter();
        var log = new PlainWatchLog(output);
        var first = SampleStudy.Snapshots()[0];

        log.Write(first);
        var afterFirst = output.ToString();
        log.Write(first);

        Assert.Equal(afterFirst, output.ToString());
        Assert.Contains("quick/trial-0 running rung 0 epoch 0/1 on cpu:0", afterFirst);
        Assert.Contains("quick running: waiting 0, running 2, paused 0, stopped 0, completed 0, failed 0", afterFirst);
        Assert.Contains("slots 2/2 busy", afterFirst);
    }

    [Fact]
    public void Plain_log_says_when_the_watch_lost_the_cluster_and_repeats_the_summary_once_it_is_back()
    {
        var output = new StringWriter();
        var log = new PlainWatchLog(output);
        var snapshot = SampleStudy.Snapshots()[0];

        log.Write(snapshot);
        log.Write(snapshot with { Reconnecting = true });
        log.Write(snapshot);

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(PlainWatchLog.ReconnectingLine, lines[^2]);
        Assert.Equal(PlainWatchLog.SummaryLine(snapshot), lines[^1]);
    }

    [Fact]
    public void A_trial_line_leaves_out_the_parameters_when_none_are_known()
    {
        var trial = new TrialProgress("quick/0", TrialState.Running, 0, 0, 1, null, "cpu:0", []);

        Assert.Equal("  quick/0 running rung 0 epoch 0/1 on cpu:0", PlainWatchLog.TrialLine(trial));
    }

    [Fact]
    public void Plain_log_reports_the_best_score_so_far()
    {
        var output = new StringWriter();
        var snapshot = SampleStudy.Snapshots()[1];

        new PlainWatchLog(output).Write(snapshot);

        Assert.Contains($"best val_auc {snapshot.Study.BestScore:0.0000}", output.ToString());
    }

    [Fact]
    public async Task Study_watch_exits_0_when_the_study_completes_and_prints_its_leaderboard()
    {
        var (code, output, _) = await CliHarness.RunAsync("study", "watch", "quick");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("quick completed", output);
        Assert.Contains("quick/trial-5", output);
    }

    [Fact]
    public async Task Study_watch_exits_1_when_the_study_fails()
    {
        var cluster = new FakeCluster { Snapshots = SampleStudy.Snapshots(StudyState.Failed) }.With(SampleStudy.Results());

        var (code, _, error) = await CliHarness.RunAsync(cluster.Services(), "study", "watch", "quick");

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("lenssweep: study 'quick' failed", error);
    }

    [Fact]
    public async Task Study_watch_exits_1_when_the_study_is_cancelled()
    {
        var cluster = new FakeCluster { Snapshots = SampleStudy.Snapshots(StudyState.Cancelled) }.With(SampleStudy.Results());

        var (code, _, _) = await CliHarness.RunAsync(cluster.Services(), "study", "watch", "quick");

        Assert.Equal(ExitCodes.Failed, code);
    }

    [Fact]
    public async Task Study_watch_of_an_unknown_study_exits_2()
    {
        var (code, _, error) = await CliHarness.RunAsync("study", "watch", "nope");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("no study 'nope'", error);
    }

    [Fact]
    public void Live_view_shows_a_bar_per_running_trial_and_the_counts()
    {
        var console = new Terminal.CliConsole(new StringWriter(), new StringWriter(), isInteractive: false);

        console.Ansi.Write(WatchRenderer.Render(SampleStudy.Snapshots()[1]));

        var text = console.Out.ToString()!;
        Assert.Contains("quick/trial-1", text);
        Assert.DoesNotContain("quick/trial-0", text);
        Assert.Contains("1/2", text);
        Assert.Contains("stopped 1", text);
        Assert.Contains("slots 1/2 busy", text);
    }
}
