using System.Text.Json;
using LensSweep.Client.Cluster;
using LensSweep.Client.Commands;
using LensSweep.Grains.Storage;
using LensSweep.Grains.Trials;
using LensSweep.Models.Training;
using LensSweep.Reporting.Leaderboards;

namespace LensSweep.Client.Encoders;

/// <summary>
/// Finds the checkpoint of a trained encoder from what the user named. In a folder, a trial's checkpoint is its
/// latest in the artifact store (most epochs, then most steps into a stopped epoch) and a study's best trial is
/// rank 1 of the <c>leaderboard.json</c> that <c>lenssweep run</c> writes when it ends. On a cluster, a trial's
/// checkpoint is the one its grain points at (the one it would resume from), fetched through the cluster, and
/// a study's best trial is the first of its leaderboard as <see cref="Leaderboard.Rank"/> ranks it now. Every
/// way this can fail is a <see cref="CliInputException"/> saying what to do instead.
/// </summary>
internal static class EncoderLocator
{
    public const string LeaderboardFile = "leaderboard.json";

    /// <param name="connector">Joins <see cref="EncoderRequest.Cluster"/>; null in a build that cannot.</param>
    public static async Task<LocatedCheckpoint> LocateAsync(EncoderRequest request, IStudyClusterConnector? connector, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Cluster is { } target && request.Checkpoint is null)
        {
            if (connector is null)
            {
                throw new CliInputException("this build of lenssweep cannot reach a cluster", "Download the trial's .ckpt and give it with --checkpoint.");
            }

            await using var cluster = await connector.ConnectAsync(target, cancellationToken);
            return await FromClusterAsync(request, cluster, target, cancellationToken);
        }

        if (request.Checkpoint is { } file)
        {
            if (!File.Exists(file))
            {
                throw new CliInputException($"checkpoint file '{file}' does not exist", "Give the path of a .ckpt file a trial wrote (under <run>/artifacts/studies/<study>/trials/<N>/).");
            }

            return new LocatedCheckpoint($"checkpoint {Path.GetFullPath(file)}", _ => Task.FromResult<Stream>(File.OpenRead(file)));
        }

        if (request.Trial is { } trialId)
        {
            var (study, trial) = ParseTrial(trialId);
            return await LatestCheckpointAsync(study, trial, RunFolder(request, study), cancellationToken);
        }

        if (request.Study is { } studyId)
        {
            return await BestTrialCheckpointAsync(studyId, RunFolder(request, studyId), cancellationToken);
        }

        throw new CliInputException("no encoder was named", "Give one of --study ID, --trial STUDY/N or --checkpoint FILE.");
    }

    private static async Task<LocatedCheckpoint> FromClusterAsync(EncoderRequest request, IStudyCluster cluster, ClusterTarget target, CancellationToken cancellationToken)
    {
        if (request.Trial is { } trialId)
        {
            var (study, trial) = ParseTrial(trialId);
            var summary = await cluster.FindAsync(study, cancellationToken) ?? throw StudyFollower.UnknownStudy(study, target);
            if (trial >= summary.Trials.Total)
            {
                throw new CliInputException(
                    $"study {study} on the cluster at {target} has no trial {trial} (its trials are {study}/0 to {study}/{summary.Trials.Total - 1})",
                    $"See its trials with 'lenssweep leaderboard {study}'.");
            }

            return await TryClusterCheckpointAsync(cluster, study, trial, target, cancellationToken)
                ?? throw new CliInputException(
                    $"trial {TrialKeys.GrainKey(study, trial)} has no checkpoint on the cluster at {target}",
                    "A trial stores one after its first epoch of training; one that failed before, or has not started, has none. Name another trial (see the leaderboard).");
        }

        var studyId = request.Study ?? throw new CliInputException("no encoder was named", "Give one of --study ID, --trial STUDY/N or --checkpoint FILE.");
        var results = await StudyFollower.RequireResultsAsync(cluster, studyId, target, cancellationToken);
        foreach (var ranked in Leaderboard.Rank(results).ScoredTrialIds())
        {
            if (TrialKeys.TrialNumberOf(ranked) is { } trial
                && await TryClusterCheckpointAsync(cluster, studyId, trial, target, cancellationToken) is { } located)
            {
                return located with { Source = $"best trial of study {studyId}: {located.Source}" };
            }
        }

        throw new CliInputException(
            $"no scored trial of study {studyId} has a checkpoint on the cluster at {target}",
            $"No trial has finished a rung yet, or every scored one lacks a checkpoint; wait for one ('lenssweep study watch {studyId}'), or name a trial with --trial {studyId}/N.");
    }

    private static async Task<LocatedCheckpoint?> TryClusterCheckpointAsync(IStudyCluster cluster, string study, int trial, ClusterTarget target, CancellationToken cancellationToken)
    {
        if (await cluster.ReadCheckpointAsync(study, trial, cancellationToken) is not { } checkpoint)
        {
            return null;
        }

        CheckpointHeader header;
        try
        {
            using var headerStream = checkpoint.Bytes.OpenRead();
            header = MaeCheckpoint.ReadHeader(headerStream);
        }
        catch (InvalidDataException e)
        {
            throw new CliInputException($"checkpoint {checkpoint.Key} on the cluster at {target} cannot be read: {e.Message}", "Name another trial.");
        }

        var bytes = checkpoint.Bytes;
        return new LocatedCheckpoint(
            $"trial {TrialKeys.GrainKey(study, trial)} at {At(header)} ({checkpoint.Key} on the cluster at {target})",
            _ => Task.FromResult(bytes.OpenRead()));
    }

    private static string At(CheckpointHeader header) =>
        header.IsMidEpoch ? $"epoch {header.Epoch}, step {header.StepInEpoch}" : $"epoch {header.Epoch}";

    /// <summary>Reads the checkpoint into a model: where it is when its stream can seek (a file, or the chunks a
    /// cluster sent), else from a copy in memory.</summary>
    public static async Task<TrainedEncoder> LoadAsync(LocatedCheckpoint located, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(located);
        await using var opened = await located.Open(cancellationToken);
        await using var copy = opened.CanSeek ? null : new MemoryStream();
        if (copy is not null)
        {
            await opened.CopyToAsync(copy, cancellationToken);
            copy.Position = 0;
        }

        try
        {
            return TrainedEncoder.Load(copy ?? opened);
        }
        catch (InvalidDataException e)
        {
            throw new CliInputException($"{located.Source} cannot be read: {e.Message}", "Name another trial or checkpoint; a checkpoint is only written by a LensSweep trial.");
        }
    }

    private static (string Study, int Trial) ParseTrial(string trialId)
    {
        if (TrialKeys.TrialNumberOf(trialId) is not { } trial)
        {
            throw new CliInputException($"--trial must be STUDY/N, such as quick/3; got '{trialId}'", "Trial ids are listed in the leaderboard's trial column (lenssweep leaderboard, or leaderboard.json of a run).");
        }

        return (trialId[..trialId.LastIndexOf('/')], trial);
    }

    private static string RunFolder(EncoderRequest request, string study) => request.RunFolder ?? Path.Combine("runs", study);

    /// <summary>An embedded run keeps its artifacts in <c>{run}/artifacts</c>; a silo's local artifact folder is the store itself.</summary>
    private static LocalFolderArtifactStore Artifacts(string study, string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new CliInputException(
                $"run folder '{folder}' does not exist",
                $"Give the --out of the 'lenssweep run' that trained study {study} with --run (its default is runs/{study}), or a silo's artifact folder.");
        }

        var embedded = Path.Combine(folder, "artifacts");
        var root = Directory.Exists(Path.Combine(embedded, "studies")) ? embedded : folder;
        if (!Directory.Exists(Path.Combine(root, TrialKeys.StudyPrefix(study))))
        {
            throw new CliInputException(
                $"study '{study}' has no checkpoints in '{folder}'",
                "Check the study id (the spec's name) and give the folder its run wrote with --run.");
        }

        return new LocalFolderArtifactStore(root, flushToDisk: false);
    }

    private static async Task<LocatedCheckpoint> LatestCheckpointAsync(string study, int trial, string folder, CancellationToken cancellationToken)
    {
        var store = Artifacts(study, folder);
        return await TryLatestAsync(store, study, trial, cancellationToken)
            ?? throw new CliInputException(
                $"trial {TrialKeys.GrainKey(study, trial)} has no checkpoint in '{folder}'",
                "A trial stores one after its first epoch of training; one that failed before, or has not started, has none. Name another trial (see the leaderboard).");
    }

    private static async Task<LocatedCheckpoint?> TryLatestAsync(LocalFolderArtifactStore store, string study, int trial, CancellationToken cancellationToken)
    {
        (string Key, CheckpointHeader Header)? latest = null;
        await foreach (var key in store.ListAsync(TrialKeys.TrialPrefix(study, trial), cancellationToken))
        {
            if (!TrialKeys.IsCheckpointOf(study, trial, key))
            {
                continue;
            }

            await using var stream = await store.OpenReadAsync(key, cancellationToken);
            if (stream is null)
            {
                continue;   // deleted between the listing and now: the trial moved on to a newer one
            }

            CheckpointHeader header;
            try
            {
                header = MaeCheckpoint.ReadHeader(stream);
            }
            catch (InvalidDataException e)
            {
                throw new CliInputException($"checkpoint {key} in {store.Folder} cannot be read: {e.Message}", "Name another trial, or the checkpoint file you trust with --checkpoint.");
            }

            if (latest is not { } best || (header.Epoch, header.StepInEpoch).CompareTo((best.Header.Epoch, best.Header.StepInEpoch)) > 0)
            {
                latest = (key, header);
            }
        }

        if (latest is not { } found)
        {
            return null;
        }

        return new LocatedCheckpoint(
            $"trial {TrialKeys.GrainKey(study, trial)} at {At(found.Header)} ({Path.Combine(store.Folder, found.Key)})",
            async ct => await store.OpenReadAsync(found.Key, ct) ?? throw new CliInputException($"checkpoint {found.Key} disappeared while it was read", "Run the command again."));
    }

    private static async Task<LocatedCheckpoint> BestTrialCheckpointAsync(string study, string folder, CancellationToken cancellationToken)
    {
        var store = Artifacts(study, folder);
        var leaderboardPath = Path.Combine(folder, LeaderboardFile);
        if (!File.Exists(leaderboardPath))
        {
            throw new CliInputException(
                $"'{folder}' has no {LeaderboardFile}, so the best trial of study {study} is not known",
                $"'lenssweep run' writes it when the study ends: run it to the end, or name a trial with --trial {study}/N.");
        }

        foreach (var trialId in RankedTrials(leaderboardPath, study))
        {
            if (TrialKeys.TrialNumberOf(trialId) is { } trial
                && await TryLatestAsync(store, study, trial, cancellationToken) is { } located)
            {
                return located with { Source = $"best trial of study {study}: {located.Source}" };
            }
        }

        throw new CliInputException(
            $"no scored trial of study {study} has a checkpoint in '{folder}'",
            "Every ranked trial lacks one (failed or not yet trained); name a checkpoint file with --checkpoint.");
    }

    /// <summary>The trials of the leaderboard's scored rows, best first (a row of repeats lists each of them).</summary>
    private static List<string> RankedTrials(string path, string study)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            var root = json.RootElement;
            var written = root.GetProperty("study_id").GetString();
            if (written != study)
            {
                throw new CliInputException($"{path} is the leaderboard of study '{written}', not '{study}'", $"Give --study {written}, or the run folder of study {study} with --run.");
            }

            return [.. root.GetProperty("rows").EnumerateArray()
                .Where(row => row.GetProperty("score").ValueKind == JsonValueKind.Number)
                .OrderBy(row => row.GetProperty("rank").GetInt32())
                .SelectMany(row => row.GetProperty("trial_ids").EnumerateArray().Select(id => id.GetString() ?? ""))];
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new CliInputException($"{path} cannot be read as a LensSweep leaderboard: {e.Message}", "Write it again with 'lenssweep run' on the same spec and folder (nothing is trained again).");
        }
    }
}
