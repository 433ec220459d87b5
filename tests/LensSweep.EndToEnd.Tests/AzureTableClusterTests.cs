using Azure.Data.Tables;
using LensSweep.EndToEnd.Tests.Support;
using LensSweep.Silo.Storage;

namespace LensSweep.EndToEnd.Tests;

/// <summary>
/// Azure Table membership and reminders with Azure Blob grain state and artifacts, all on one Azurite, through the official
/// Orleans providers: two lenssweep-silo processes and the lenssweep console, all real, on 127.0.0.1.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AzureTableClusterTests
{
    private static readonly TimeSpan StudyDeadline = TimeSpan.FromMinutes(4);

    [SkippableFact]
    public async Task Two_silos_on_azure_table_form_one_cluster_that_trains_on_both_and_keeps_the_study_reminder_in_the_table()
    {
        await using var scenario = new Scenario();
        await scenario.StartAzuriteAsync();
        scenario.UseAzureTableMembership();
        var silos = await Task.WhenAll(scenario.StartSiloAsync("a"), scenario.StartSiloAsync("b"));
        var tables = new TableServiceClient(scenario.AzuriteConnectionString);
        var active = await ActiveSilosAsync(tables);
        // Two trials at once and one slot per silo: both silos train only if each sees the other's slot through membership.
        var study = new TinyStudy("table", MaskRatios: 1);

        await scenario.StartStudyAsync(silos[0], study.WriteTo(scenario.Folder));
        var whileRunning = await ReconcileRemindersAsync(tables, study.Name);
        await scenario.WaitForCompletedStudyAsync(() => silos[1], study.Name, StudyDeadline);
        var afterwards = await WaitForNoReconcileReminderAsync(tables, study.Name);

        Assert.Equal(["a", "b"], active);
        Assert.True(whileRunning == 1, $"expected the running study's reconcile reminder in the reminder table, found {whileRunning} rows\n{scenario.Tails()}");
        Assert.All(silos, silo => Assert.True(silo.Process.FindLine(TrainingLog.AnyEpochOf(study.Name)) is not null,
            $"silo {silo.Name} never trained a trial of the study\n{scenario.Tails()}"));
        var leaderboard = await scenario.LeaderboardAsync(silos[0], study.Name);
        Assert.Equal(study.TrialIds.Order(), leaderboard.Select(r => r.TrialId).Order());
        Assert.True(afterwards == 0, $"the finished study's reconcile reminder is still in the reminder table\n{scenario.Tails()}");
    }

    private static async Task<List<string>> ActiveSilosAsync(TableServiceClient tables)
    {
        var names = new List<string>();
        await foreach (var row in tables.GetTableClient(AzureTableConnection.OrleansTables[0]).QueryAsync<TableEntity>())
        {
            if (row.GetString("Status") == "Active" && row.GetString("SiloName") is { } name)
                names.Add(name);
        }
        return [.. names.Order()];
    }

    /// <summary>The study grain's "reconcile" reminder rows (the sweep registers it on start and removes it when done).</summary>
    private static async Task<int> ReconcileRemindersAsync(TableServiceClient tables, string study)
    {
        var rows = 0;
        await foreach (var row in tables.GetTableClient(AzureTableConnection.OrleansTables[1]).QueryAsync<TableEntity>())
        {
            if (row.GetString("ReminderName") == "reconcile" && row.GetString("GrainReference") is { } grain && grain.EndsWith($"/{study}", StringComparison.Ordinal))
                rows++;
        }
        return rows;
    }

    /// <summary>The study may report completed a moment before its grain removes the reminder, so this polls briefly.</summary>
    private static async Task<int> WaitForNoReconcileReminderAsync(TableServiceClient tables, string study)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        int rows;
        while ((rows = await ReconcileRemindersAsync(tables, study)) > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        return rows;
    }
}
