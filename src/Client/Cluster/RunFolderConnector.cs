using LensSweep.Reporting.Studies;

namespace LensSweep.Client.Cluster;

/// <summary>
/// Lets every cluster command read an embedded run's folder (<c>--run DIR</c>, the folder <c>lenssweep run --out</c>
/// wrote) as if it were a cluster: the folder's state is opened by an embedded silo with no device slots, so its
/// studies, leaderboards and plots can be read while nothing trains. Without <c>--run</c> it joins the cluster.
/// </summary>
public sealed class RunFolderConnector(IStudyClusterConnector cluster, IEmbeddedClusterLauncher? embedded) : IStudyClusterConnector
{
    public Task<IStudyCluster> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.RunFolder is not { } folder)
        {
            return cluster.ConnectAsync(target, cancellationToken);
        }

        if (embedded is null)
        {
            throw new CliInputException("this build of lenssweep cannot open a run folder", "Read the study from its cluster instead (--cluster).");
        }

        RequireRunFolder(folder);
        return OpenAsync(embedded, folder, cancellationToken);
    }

    /// <summary>Refuses a <c>--run</c> folder that holds no embedded run's state, saying what to give instead.</summary>
    public static void RequireRunFolder(string folder)
    {
        if (!Directory.Exists(Path.Combine(folder, LensSweep.Grains.Hosting.EngineStorage.LocalStateFolder)))
        {
            throw new CliInputException(
                File.Exists(folder) ? $"--run '{folder}' is a file, not a run folder" : $"--run '{folder}' holds no embedded run (no {LensSweep.Grains.Hosting.EngineStorage.LocalStateFolder}/ folder in it)",
                "Give the folder 'lenssweep run' wrote (its --out; by default runs/<study name>).");
        }
    }

    /// <summary>
    /// Opens the folder with no device slots, so nothing can train; a study in it that has not ended is refused
    /// (opening it would train it). Stored pixel baselines are read on a silo without slots: only computing one needs a slot.
    /// </summary>
    private static async Task<IStudyCluster> OpenAsync(IEmbeddedClusterLauncher embedded, string folder, CancellationToken cancellationToken)
    {
        var reading = await embedded.StartAsync(new EmbeddedClusterOptions(folder, Slots: 0), cancellationToken);
        try
        {
            var studies = await reading.ListAsync(cancellationToken);
            var unfinished = studies.Where(s => s.State is not (StudyState.Completed or StudyState.Failed or StudyState.Cancelled)).Select(s => s.StudyId).ToList();
            if (unfinished.Count > 0)
            {
                throw new CliInputException(
                    $"study {string.Join(", ", unfinished)} in {folder} has not finished, and opening it here would train it",
                    $"Continue it with 'lenssweep run <spec> --out {folder}', which shows its progress and writes its results there.");
            }

            return reading;
        }
        catch
        {
            await reading.DisposeAsync();
            throw;
        }
    }
}
