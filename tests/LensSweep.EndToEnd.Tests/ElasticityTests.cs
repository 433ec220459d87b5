using LensSweep.EndToEnd.Tests.Support;

namespace LensSweep.EndToEnd.Tests;

/// <summary>Silos joining and leaving a running study: real processes on Redis membership and Azure Blob (Azurite) storage.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ElasticityTests
{
    private static readonly TimeSpan StudyDeadline = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_silo_started_later_joins_and_trains_waiting_trials()
    {
        await using var scenario = new Scenario();
        await Task.WhenAll(scenario.StartRedisAsync(), scenario.StartAzuriteAsync());
        var first = await scenario.StartSiloAsync("a");
        // Six trials and longer epochs on one slot: trials are still waiting for a slot when the second silo is up.
        var study = new TinyStudy("join", ImagesPerClass: 400, MaskRatios: 3);
        await scenario.StartStudyAsync(first, study.WriteTo(scenario.Folder));

        var later = await scenario.StartSiloAsync("b");
        await scenario.WaitForCompletedStudyAsync(() => first, study.Name, StudyDeadline);

        Assert.True(later.Process.FindLine(TrainingLog.AnyEpochOf(study.Name)) is not null,
            $"the silo that joined later never trained a trial of the study\n{scenario.Tails()}");
        var leaderboard = await scenario.LeaderboardAsync(later, study.Name);
        Assert.Equal(study.TrialIds.Order(), leaderboard.Select(r => r.TrialId).Order());
    }

    [Fact]
    public async Task A_silo_stopped_with_sigterm_hands_its_trial_over_at_the_step_where_it_stopped()
    {
        await using var scenario = new Scenario();
        await Task.WhenAll(scenario.StartRedisAsync(), scenario.StartAzuriteAsync());
        var silos = await Task.WhenAll(scenario.StartSiloAsync("a"), scenario.StartSiloAsync("b"));
        // Epochs of about a hundred steps: an epoch in flight when SIGTERM arrives is still in flight when the
        // drain reaches it (with eleven-step epochs the epoch often ended first and nothing was stopped).
        var study = new TinyStudy("drain", ImagesPerClass: 1000);
        await scenario.StartStudyAsync(silos[0], study.WriteTo(scenario.Folder));

        var (leaving, _) = await CrashResumeTests.FirstTrainingFromCheckpointAsync(silos, study.Name, scenario);
        leaving.Process.Signal("TERM");
        var staying = silos.Single(s => s != leaving);
        var afterStop = staying.Process.LineCount;

        Assert.True(await leaving.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the silo did not stop within its grace period\n{leaving.Process.Tail()}");
        Assert.Equal(0, leaving.Process.ExitCode);
        await scenario.WaitForCompletedStudyAsync(() => staying, study.Name, StudyDeadline);

        // The drain stopped the trial it was training at a step boundary and the other silo went on from exactly that step.
        var stopped = leaving.Process.FindLine(TrainingLog.StoppedForDrain(study.Name));
        Assert.True(stopped is not null, $"no trial was stopped by the silo's drain\n{leaving.Process.Tail()}");
        var trial = stopped.Int("trial");
        var resumed = staying.Process.FindLine(TrainingLog.ResumedAtStep(study.Name, trial), afterStop);
        Assert.True(resumed is not null, $"trial {trial} never trained on the remaining silo after the other stopped\n{scenario.Tails()}");
        Assert.Equal((stopped.Int("epoch"), stopped.Int("step")), (resumed.Int("from"), resumed.Int("step")));
        var leaderboard = await scenario.LeaderboardAsync(staying, study.Name);
        Assert.Equal(study.TrialIds.Order(), leaderboard.Select(r => r.TrialId).Order());
    }
}
