using System.Text.RegularExpressions;
using LensSweep.EndToEnd.Tests.Support;

namespace LensSweep.EndToEnd.Tests;

/// <summary>redis-server, Azurite, two lenssweep-silo processes and the lenssweep console, all real, on 127.0.0.1.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CrashResumeTests
{
    private static readonly TimeSpan StudyDeadline = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_study_survives_kill_9_of_a_silo_mid_training_and_a_restart_of_the_whole_cluster()
    {
        await using var scenario = new Scenario();
        await Task.WhenAll(scenario.StartRedisAsync(), scenario.StartAzuriteAsync());
        var silos = await Task.WhenAll(scenario.StartSiloAsync("a"), scenario.StartSiloAsync("b"));
        var study = new TinyStudy("crash");
        await scenario.StartStudyAsync(silos[0], study.WriteTo(scenario.Folder));

        // Kill whichever silo first trains a trial past epoch 0: that trial has a checkpoint to resume from.
        var (victim, training) = await FirstTrainingFromCheckpointAsync(silos, study.Name, scenario);
        victim.Process.Signal("KILL");
        var survivor = silos.Single(s => s != victim);
        var afterKill = survivor.Process.LineCount;
        int trial = training.Int("trial"), checkpointEpoch = training.Int("from");

        await scenario.WaitForCompletedStudyAsync(() => survivor, study.Name, StudyDeadline);

        Assert.True(victim.Process.HasExited);
        Assert.True(survivor.Process.FindLine(TrainingLog.Requeued(study.Name, trial), afterKill) is not null,
            $"the survivor never requeued trial {trial}, which was training on the killed silo\n{scenario.Tails()}");
        var resumed = survivor.Process.FindLine(TrainingLog.EpochOf(study.Name, trial), afterKill);
        Assert.True(resumed is not null, $"trial {trial} never trained on the survivor after the kill\n{scenario.Tails()}");
        Assert.True(resumed.Int("from") >= checkpointEpoch,
            $"trial {trial} was training from epoch {checkpointEpoch} when its silo was killed, but resumed from epoch {resumed.Int("from")}\n{scenario.Tails()}");
        var leaderboard = await scenario.LeaderboardAsync(survivor, study.Name);
        Assert.Equal(study.TrialIds.Order(), leaderboard.Select(r => r.TrialId).Order());
        Assert.Contains(leaderboard, r => r.State == "completed" && r.Epochs == TinyStudy.MaxEpochs);

        // Every process of the cluster stops; new silos on the same Redis and Azurite find the study as it ended.
        survivor.Process.Signal("TERM");
        Assert.True(await survivor.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the survivor did not stop on SIGTERM\n{survivor.Process.Tail()}");
        var restarted = await Task.WhenAll(scenario.StartSiloAsync("a2"), scenario.StartSiloAsync("b2"));

        Assert.Equal("completed", await scenario.StudyStateAsync(restarted[1], study.Name));
        Assert.Equal(leaderboard, await scenario.LeaderboardAsync(restarted[0], study.Name));
    }

    /// <summary>Waits for the first trainer call that starts past epoch 0 on any of <paramref name="silos"/>.</summary>
    internal static async Task<(SiloProcess Silo, Match Line)> FirstTrainingFromCheckpointAsync(IReadOnlyList<SiloProcess> silos, string study, Scenario scenario)
    {
        var pattern = TrainingLog.EpochFromCheckpointOf(study);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline && silos.All(s => !s.Process.HasExited))
        {
            foreach (var silo in silos)
            {
                if (silo.Process.FindLine(pattern) is { } line)
                    return (silo, line);
            }
            await Task.Delay(20);
        }
        Assert.Fail($"no silo trained a trial of {study} past epoch 0\n{scenario.Tails()}");
        throw new InvalidOperationException("unreachable");
    }
}
