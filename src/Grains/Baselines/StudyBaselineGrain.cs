using LensSweep.Grains.Hosting;
using LensSweep.Grains.Specs;
using LensSweep.Models.Data;
using Microsoft.Extensions.Logging;

namespace LensSweep.Grains.Baselines;

/// <summary>The persisted pixel baseline of one study.</summary>
[GenerateSerializer, Alias("lenssweep.BaselineState")]
public sealed class BaselineState
{
    [Id(0)] public Trials.ProbeScores? Pixels { get; set; }

    [Id(1)] public string? FailureReason { get; set; }
}

/// <inheritdoc cref="IStudyBaselineGrain"/>
public sealed partial class StudyBaselineGrain(
    [PersistentState("baseline", EngineStorage.GrainStorageName)] IPersistentState<BaselineState> state,
    ILogger<StudyBaselineGrain> logger) : Grain, IStudyBaselineGrain
{
    private IGrainTimer? _keepAlive;

    /// <summary>A computation was asked for and has not reported; not persisted: a silo's death forgets it.</summary>
    private bool Pending => _keepAlive is not null;

    public async Task StartAsync(DatasetOptions dataset, ProbeSettings probe)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(probe);
        if (state.State.Pixels is not null || Pending)
        {
            return;
        }

        // Stays active while the computation runs, so the result finds this activation and its pending flag; each
        // tick asks again, which the computing grain ignores while it computes and which restarts the computation
        // on another silo when the one computing it died.
        _keepAlive = this.RegisterGrainTimer(
            static (ask, _) => ask.Grain.AskAgainAsync(ask.Dataset, ask.Probe), (Grain: this, Dataset: dataset, Probe: probe),
            new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) { KeepAlive = true, Interleave = true });
        await AskAsync(dataset, probe, stopWaitingOnFailure: true);
    }

    /// <summary>A tick's ask: one that fails (no silo with slots just now) keeps waiting for the next tick.</summary>
    private async Task AskAgainAsync(DatasetOptions dataset, ProbeSettings probe)
    {
        if (!Pending || state.State.Pixels is not null)
        {
            return;
        }

        try
        {
            await AskAsync(dataset, probe, stopWaitingOnFailure: false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogAskFailed(logger, this.GetPrimaryKeyString(), $"{e.GetType().Name}: {e.Message}");
        }
    }

    private async Task AskAsync(DatasetOptions dataset, ProbeSettings probe, bool stopWaitingOnFailure)
    {
        try
        {
            if (!await GrainFactory.GetGrain<IBaselineComputeGrain>(this.GetPrimaryKeyString()).StartAsync(dataset, probe))
            {
                StopWaiting();
            }
        }
        catch when (stopWaitingOnFailure)
        {
            StopWaiting();
            throw;
        }
    }

    public Task<BaselineStatus> GetAsync() =>
        Task.FromResult(new BaselineStatus(state.State.Pixels, Pending, state.State.FailureReason));

    public async Task RecordAsync(Trials.ProbeScores? pixels, string? failureReason)
    {
        StopWaiting();
        if (state.State.Pixels is not null)
        {
            // A second computation a re-ask started while the first was handing back: the stored baseline stands.
            return;
        }

        state.State.Pixels = pixels;
        state.State.FailureReason = pixels is null ? failureReason : null;
        if (pixels is not null)
        {
            LogComputed(logger, this.GetPrimaryKeyString());
        }
        else
        {
            LogFailed(logger, this.GetPrimaryKeyString(), failureReason ?? "no reason given");
        }

        await state.WriteStateAsync();
    }

    private void StopWaiting()
    {
        _keepAlive?.Dispose();
        _keepAlive = null;
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Study {Study}: raw-pixel baseline computed")]
    private static partial void LogComputed(ILogger logger, string study);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Study {Study}: the raw-pixel baseline could not be computed ({Reason}); its leaderboard shows none")]
    private static partial void LogFailed(ILogger logger, string study, string reason);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Study {Study}: could not ask for the raw-pixel baseline again ({Reason}); asking at the next tick")]
    private static partial void LogAskFailed(ILogger logger, string study, string reason);
}
