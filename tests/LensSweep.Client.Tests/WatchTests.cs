using LensSweep.Client.Watch;
using LensSweep.Reporting.Studies;

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
        var trial = new LiveTrial("quick/0", TrialPhase.Running, 0, 0, 1, null, "cpu:0", []);

        Assert.Equal("  quick/0 running rung 0 epoch 0/1 on cpu:0", PlainWatchLog.TrialLine(trial));
    }

    [Fact]
    public void Plain_log_reports_the_leaders_latest_rung_score_and_says_that_is_what_it_is()
    {
        var output = new StringWriter();
        var snapshot = SampleStudy.Snapshots()[1];

        new PlainWatchLog(output).Write(snapshot);

        Assert.Contains($"leader (latest rung) val_auc {snapshot.Study.BestScore:0.0000}", output.ToString());
    }

    [Fact]
    public void A_trials_progress_moves_with_the_steps_of_the_epoch_in_training()
    {
        var trial = Training(epoch: 1, target: 4) with { StepsDone = 5, StepsPerEpoch = 10 };

        Assert.Equal(1.5 / 4, trial.Fraction, 6);
    }

    [Fact]
    public void The_time_left_to_the_rung_end_follows_the_latest_pace()
    {
        var trial = Training(epoch: 1, target: 4) with { StepsDone = 5, StepsPerEpoch = 10, StepsPerSecond = 2 };

        Assert.Equal(TimeSpan.FromSeconds(12.5), trial.Remaining);
    }

    [Fact]
    public void Without_a_pace_there_is_no_time_left_to_show() =>
        Assert.Null(Training(epoch: 1, target: 4).Remaining);

    [Fact]
    public void Live_view_shows_each_running_trials_loss_throughput_time_left_and_last_score()
    {
        var trial = Training(epoch: 1, target: 4) with { StepsDone = 5, StepsPerEpoch = 10, StepsPerSecond = 2, Loss = 0.1234, ImagesPerSecond = 250, Score = 0.78 };
        var snapshot = SampleStudy.Snapshots()[0] with { Trials = [trial] };
        var console = new Terminal.CliConsole(new StringWriter(), new StringWriter(), isInteractive: false);

        console.Ansi.Write(WatchRenderer.Render(snapshot));

        var text = console.Out.ToString()!;
        Assert.Contains("0.1234", text);
        Assert.Contains("250", text);
        Assert.Contains("13s", text);
        Assert.Contains("0.7800", text);
        Assert.Contains("leader (latest rung)", text);
    }

    [Theory]
    [InlineData(42.2, "43s")]
    [InlineData(185, "3m05s")]
    [InlineData(3720, "1h02m")]
    public void Time_left_reads_in_the_largest_units_that_matter(double seconds, string text) =>
        Assert.Equal(text, ProgressCells.Eta(TimeSpan.FromSeconds(seconds)));

    private static LiveTrial Training(int epoch, int target) =>
        new("quick/0", TrialPhase.Running, 0, epoch, target, null, "cpu:0", []);

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
