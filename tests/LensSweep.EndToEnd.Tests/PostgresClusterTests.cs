using LensSweep.EndToEnd.Tests.Support;
using LensSweep.Silo.Tests.Support;

namespace LensSweep.EndToEnd.Tests;

/// <summary>
/// PostgreSQL membership and reminders on the LensSweep Orleans schema (infra/postgres), Azurite, two lenssweep-silo
/// processes and the lenssweep console, all real, on 127.0.0.1.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PostgresClusterTests
{
    private static readonly TimeSpan StudyDeadline = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Two_silos_on_postgres_form_one_cluster_that_trains_on_both_and_keeps_the_study_reminder_in_postgres()
    {
        await using var scenario = new Scenario();
        await Task.WhenAll(scenario.StartPostgresAsync(), scenario.StartAzuriteAsync());
        var silos = await Task.WhenAll(scenario.StartSiloAsync("a"), scenario.StartSiloAsync("b"));
        var database = scenario.PostgresConnectionString!;
        var active = await PostgresServer.QueryAsync(database, "SELECT silo_name FROM orleans_silo WHERE status = 3 ORDER BY silo_name");
        // Two trials at once and one slot per silo: both silos train only if each sees the other's slot through membership.
        var study = new TinyStudy("pg", MaskRatios: 1);

        await scenario.StartStudyAsync(silos[0], study.WriteTo(scenario.Folder));
        var whileRunning = await ReconcileRemindersAsync(database, study.Name);
        await scenario.WaitForCompletedStudyAsync(() => silos[1], study.Name, StudyDeadline);
        var afterwards = await WaitForNoReconcileReminderAsync(database, study.Name);

        Assert.Equal(["a", "b"], active);
        Assert.True(whileRunning == 1, $"expected the running study's reconcile reminder in orleans_reminder, found {whileRunning} rows\n{scenario.Tails()}");
        Assert.All(silos, silo => Assert.True(silo.Process.FindLine(TrainingLog.AnyEpochOf(study.Name)) is not null,
            $"silo {silo.Name} never trained a trial of the study\n{scenario.Tails()}"));
        var leaderboard = await scenario.LeaderboardAsync(silos[0], study.Name);
        Assert.Equal(study.TrialIds.Order(), leaderboard.Select(r => r.TrialId).Order());
        Assert.True(afterwards == 0, $"the finished study's reconcile reminder is still in orleans_reminder\n{scenario.Tails()}");
    }

    /// <summary>The study grain's "reconcile" reminder rows (the sweep registers it on start and removes it when done).</summary>
    private static async Task<int> ReconcileRemindersAsync(string database, string study) =>
        (await PostgresServer.QueryAsync(database,
            "SELECT grain_id FROM orleans_reminder WHERE reminder_name = 'reconcile' AND grain_id LIKE @grain", ("grain", $"%/{study}"))).Count;

    /// <summary>The study may report completed a moment before its grain removes the reminder, so this polls briefly.</summary>
    private static async Task<int> WaitForNoReconcileReminderAsync(string database, string study)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        int rows;
        while ((rows = await ReconcileRemindersAsync(database, study)) > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        return rows;
    }
}
