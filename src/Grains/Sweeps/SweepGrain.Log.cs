using LensSweep.Grains.Hosting;
using Microsoft.Extensions.Logging;

namespace LensSweep.Grains.Sweeps;

/// <summary>The sweep grain's log messages (event ids 400–411; 405, 407 and 410 are the TrialMessenger's).</summary>
public sealed partial class SweepGrain
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Study {Study} started: {Trials} trials, at most {MaxConcurrent} at once")]
    private static partial void LogStarted(ILogger logger, string study, int trials, int maxConcurrent);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Study {Study} finished: {Trials} trials ran")]
    private static partial void LogFinished(ILogger logger, string study, int trials);

    [LoggerMessage(EventId = 402, Level = LogLevel.Information, Message = "Study {Study} cancelled ({Reason}); {Running} running trials stopped")]
    private static partial void LogCancelled(ILogger logger, string study, string reason, int running);

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Study {Study} lost slot {Slot}: its silo is gone")]
    private static partial void LogSlotLost(ILogger logger, string study, string slot);

    [LoggerMessage(EventId = 404, Level = LogLevel.Warning, Message = "Study {Study} requeued trial {Trial}; it resumes from its newest checkpoint, at or after epoch {Epoch} (the last its study recorded)")]
    private static partial void LogRequeued(ILogger logger, string study, int trial, int epoch);

    [LoggerMessage(EventId = 406, Level = LogLevel.Error, Message = "Study {Study}: the coordinator loop failed; the activation reloads its persisted state")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception, string study);

    [LoggerMessage(EventId = 409, Level = LogLevel.Warning, Message = "Study {Study}: the coordinator loop was interrupted by a cluster change ({Reason}); the activation reloads its persisted state")]
    private static partial void LogPumpInterrupted(ILogger logger, string study, string reason);
    [LoggerMessage(EventId = 408, Level = LogLevel.Information, Message = "Study {Study} re-checks its slots and trials now: {Reason}")]
    private static partial void LogReconcileRequested(ILogger logger, string study, string reason);

    [LoggerMessage(EventId = 411, Level = LogLevel.Information, Message = "Study {Study} grew by {Added} trials to {Trials}; its finished rungs carry on")]
    private static partial void LogGrown(ILogger logger, string study, int added, int trials);

    [LoggerMessage(EventId = 412, Level = LogLevel.Error, Message = "Study {Study} stops asking for its raw-pixel baseline after {Asks} failed asks in a row (last: {Reason}); its leaderboard has no pixel row until the study is started again")]
    private static partial void LogBaselineAsksRanOut(ILogger logger, string study, int asks, string reason);

    /// <summary>What a reconcile pass found: each slot lost, and each trial requeued with the last epoch the study recorded for it.</summary>
    private void LogReconciled(Reconciliation found)
    {
        foreach (var lost in found.Lost)
        {
            LogSlotLost(logger, StudyId, lost.Slot.ToString());
        }

        foreach (var trial in found.Requeued)
        {
            LogRequeued(logger, StudyId, trial, Book.Table.All[trial].EpochsDone);
        }
    }

    /// <summary>A silo that died or is stopping is expected (a warning); anything else is an error with its stack.</summary>
    private void LogPumpFailure(Exception e)
    {
        if (ClusterFaults.IsExpected(e))
        {
            LogPumpInterrupted(logger, StudyId, e.Message);
        }
        else
        {
            LogPumpFailed(logger, e, StudyId);
        }
    }
}
