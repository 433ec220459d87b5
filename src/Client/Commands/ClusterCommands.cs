using System.CommandLine;
using LensSweep.Client.Cluster;
using Spectre.Console;

namespace LensSweep.Client.Commands;

/// <summary><c>lenssweep cluster status</c>: the silos, their device slots, and which trials hold them.</summary>
internal static class ClusterCommands
{
    public static Command Create(IStudyClusterConnector connector, Func<string, string?> environment, HelpExamples examples)
    {
        var clusterOptions = new ClusterOptions(environment);
        var cluster = examples.Add(
            clusterOptions.AddTo(new Command("cluster", "Inspect the LensSweep cluster.")),
            "lenssweep cluster status");
        var status = examples.Add(
            new Command("status", "List the silos, their device slots, and which trial holds each slot."),
            "lenssweep cluster status",
            "lenssweep cluster status --cluster 10.0.0.4:30000,10.0.0.5:30000 --cluster-id lab");
        CommandAction.Set(status, async (parseResult, console, cancellationToken) =>
        {
            var target = clusterOptions.Read(parseResult);
            await using var session = await connector.ConnectAsync(target, cancellationToken);
            var snapshot = await session.GetStatusAsync(cancellationToken);
            var table = new Table().Border(TableBorder.Rounded)
                .Title($"cluster at {Markup.Escape(target.GatewayList)}: {snapshot.SlotsBusy}/{snapshot.SlotsTotal} device slots busy");
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
