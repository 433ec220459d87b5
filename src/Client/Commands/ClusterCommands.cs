using System.CommandLine;
using LensSweep.Client.Cluster;
using Spectre.Console;

namespace LensSweep.Client.Commands;

/// <summary><c>lenssweep cluster status</c>: the silos, their device slots, and which trials hold them.</summary>
internal static class ClusterCommands
{
    public static Command Create(IStudyClusterConnector connector, HelpExamples examples)
    {
        var clusterOption = CliOptions.Cluster();
        var cluster = examples.Add(
            new Command("cluster", "Inspect the LensSweep cluster.") { clusterOption },
            "lenssweep cluster status");
        var status = examples.Add(
            new Command("status", "List the silos, their device slots, and which trial holds each slot."),
            "lenssweep cluster status",
            "lenssweep cluster status --cluster 10.0.0.4:30000");
        CommandAction.Set(status, async (parseResult, console, cancellationToken) =>
        {
            var address = parseResult.GetRequiredValue(clusterOption);
            await using var session = await connector.ConnectAsync(address, cancellationToken);
            var snapshot = await session.GetStatusAsync(cancellationToken);
            var table = new Table().Border(TableBorder.Rounded)
                .Title($"cluster at {Markup.Escape(address.ToString())}: {snapshot.SlotsBusy}/{snapshot.SlotsTotal} device slots busy");
            table.AddColumn("silo");
            table.AddColumn("status");
            table.AddColumn("slot");
            table.AddColumn("trial");
            foreach (var silo in snapshot.Silos.OrderBy(s => s.Silo, StringComparer.Ordinal))
            {
                if (silo.Slots.Count == 0)
                {
                    table.AddRow(Markup.Escape(silo.Silo), Markup.Escape(silo.Status), "[grey]no device slots[/]", string.Empty);
                }

                foreach (var slot in silo.Slots)
                {
                    table.AddRow(
                        Markup.Escape(silo.Silo),
                        Markup.Escape(silo.Status),
                        Markup.Escape(slot.Slot),
                        slot.TrialId is null ? "[green]free[/]" : Markup.Escape(slot.TrialId));
                }
            }

            console.Ansi.Write(table);
            return ExitCodes.Success;
        });
        cluster.Add(status);
        return cluster;
    }
}
