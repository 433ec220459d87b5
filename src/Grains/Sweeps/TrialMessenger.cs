using LensSweep.Grains.Baselines;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Trials;
using LensSweep.Models.Data;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace LensSweep.Grains.Sweeps;

/// <summary>
/// A study's calls to its trial grains: each assignment sent with its slot's silo as the placement hint, so a
/// trial's first activation lands where it trains, and best-effort notices (stop, cancel) in bounded batches;
/// and the ask for its raw-pixel baseline, computed once beside the trials. The sweep's records are
/// authoritative: a failed call is logged, and the next reconcile pass repeats what still matters.
/// </summary>
internal sealed partial class TrialMessenger(IGrainFactory grains, string studyId, ILogger logger)
{
    private const int NoticeParallelism = 32;

    /// <summary>Sends every assignment at once and returns each answer, in order; null for a call that failed.</summary>
    public async Task<IReadOnlyList<(TrialAssignment Assignment, TrialAck? Ack)>> SendAsync(IReadOnlyList<TrialAssignment> assignments)
    {
        var calls = new List<(TrialAssignment Assignment, Task<TrialAck> Ack)>(assignments.Count);
        foreach (var assignment in assignments)
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, assignment.Slot.Silo);
            try
            {
                calls.Add((assignment, Trial(assignment.Trial).RunAsync(assignment)));
            }
            finally
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }
        }

        var answers = new List<(TrialAssignment, TrialAck?)>(calls.Count);
        foreach (var (assignment, call) in calls)
        {
            try
            {
                answers.Add((assignment, await call));
            }
            catch (Exception e)
            {
                LogDispatchFailed(logger, e, studyId, assignment.Trial, assignment.Attempt);
                answers.Add((assignment, null));
            }
        }

        return answers;
    }

    /// <summary>Tells each trial something, a bounded number at a time; stops at the first batch with a failure
    /// (the silo is usually shutting down).</summary>
    public async Task TellAsync(IReadOnlyList<int> trials, Func<ITrialGrain, Task> call)
    {
        for (var start = 0; start < trials.Count; start += NoticeParallelism)
        {
            var batch = trials.Skip(start).Take(NoticeParallelism).ToList();
            try
            {
                await Task.WhenAll(batch.Select(trial => call(Trial(trial))));
            }
            catch (Exception e)
            {
                LogTellFailed(logger, e, studyId, trials.Count - start);
                return;
            }
        }
    }

    /// <summary>Asks for the study's raw-pixel baseline; a failure to ask costs the leaderboard its baseline
    /// row, never the study (the sweep asks again at its reconcile passes).</summary>
    /// <returns>Null when the ask was answered; otherwise why it failed.</returns>
    public async Task<string?> StartPixelBaselineAsync(DatasetOptions dataset, ProbeSettings probe)
    {
        try
        {
            await grains.GetGrain<IStudyBaselineGrain>(studyId).StartAsync(dataset, probe);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogBaselineNotStarted(logger, e, studyId);
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private ITrialGrain Trial(int trial) => grains.GetGrain<ITrialGrain>(TrialKeys.GrainKey(studyId, trial));

    [LoggerMessage(EventId = 405, Level = LogLevel.Warning, Message = "Study {Study} could not reach trial {Trial} (attempt {Attempt}); the reconcile pass repeats it")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception, string study, int trial, int attempt);

    [LoggerMessage(EventId = 407, Level = LogLevel.Information, Message = "Study {Study} stopped telling {Left} trials that it ended; their records in the sweep are authoritative")]
    private static partial void LogTellFailed(ILogger logger, Exception exception, string study, int left);

    [LoggerMessage(EventId = 410, Level = LogLevel.Warning, Message = "Study {Study} could not ask for its raw-pixel baseline; it asks again at a later reconcile pass, while its asks last")]
    private static partial void LogBaselineNotStarted(ILogger logger, Exception exception, string study);
}
