using LensSweep.Grains.Hosting;
using LensSweep.Grains.Specs;
using LensSweep.Models.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LensSweep.Grains.Baselines;

/// <summary>The persisted pixel baseline of one study.</summary>
[GenerateSerializer, Alias("lenssweep.BaselineState")]
public sealed class BaselineState
{
    [Id(0)] public Trials.ProbeScores? Pixels { get; set; }

    [Id(1)] public string? FailureReason { get; set; }

    /// <summary>The failure is that no computation could be had (asks ran out, or no result by the deadline), not
    /// that one failed: a later ask tries again. A state written before this flag reads false, as the old code did.</summary>
    [Id(2)] public bool AskAgain { get; set; }

    /// <summary>The failure a reader is shown: none while a computation is pending (a baseline that could not be had
    /// earlier, asked for again), since the old reason is then no longer what is happening.</summary>
    public string? ShownFailure(bool pending) => pending ? null : FailureReason;
}

/// <inheritdoc cref="IStudyBaselineGrain"/>
public sealed partial class StudyBaselineGrain(
    [PersistentState("baseline", EngineStorage.GrainStorageName)] IPersistentState<BaselineState> state,
    IOptions<EngineOptions> options,
    ILogger<StudyBaselineGrain> logger) : Grain, IStudyBaselineGrain
{
    private IGrainTimer? _keepAlive;
    private BaselineAsks? _asks;

    /// <summary>A computation was asked for and has not reported; not persisted: a silo's death forgets it.</summary>
    private bool Pending => _keepAlive is not null;

    /// <summary>Computed, or its computation failed: asked for no more. A baseline that could not be had (no silo
    /// with slots for an hour, a computation lost with no result by the deadline) is tried again at the next ask,
    /// so a cluster whose slot silos join late still gets it; a computation that failed is not repeated.</summary>
    private bool Settled => state.State.Pixels is not null || (state.State.FailureReason is not null && !state.State.AskAgain);

    public async Task StartAsync(DatasetOptions dataset, ProbeSettings probe)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(probe);
        if (Settled || Pending)
        {
            return;
        }

        // Stays active while the computation runs, so the result finds this activation and its pending flag. The
        // timer re-asks, backed off: an ask that failed (no silo with slots just now) is tried again, and a re-ask
        // restarts the computation on another silo when the one computing it died (the computing grain ignores
        // it while it computes). Bounded: too many failed asks in a row, or no result by the deadline, record a
        // failure with its reason.
        _asks = new BaselineAsks(options.Value.PixelBaseline, DateTimeOffset.UtcNow);
        _keepAlive = this.RegisterGrainTimer(
            static (ask, _) => ask.Grain.AskAgainAsync(ask.Dataset, ask.Probe), (Grain: this, Dataset: dataset, Probe: probe),
            new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });
        await AskAsync(dataset, probe);
    }

    private async Task AskAgainAsync(DatasetOptions dataset, ProbeSettings probe)
    {
        if (!Pending || Settled || _asks is null)
        {
            return;
        }

        if (_asks.PastDeadline(DateTimeOffset.UtcNow))
        {
            await RecordAsync(null, _asks.PastDeadlineReason(), askAgain: true);
            return;
        }

        await AskAsync(dataset, probe);
    }

    /// <summary>One ask; never throws: a failure is counted, and the next ask (or the failure record) scheduled.</summary>
    private async Task AskAsync(DatasetOptions dataset, ProbeSettings probe)
    {
        var asks = _asks!;
        TimeSpan wait;
        try
        {
            var started = await GrainFactory.GetGrain<IBaselineComputeGrain>(this.GetPrimaryKeyString()).StartAsync(dataset, probe);
            if (!ReferenceEquals(asks, _asks))
            {
                // The result arrived while this ask was under way (the timer's asks interleave with requests).
                return;
            }

            if (!started)
            {
                // This engine has no scorer: nothing will arrive, and nothing is recorded.
                StopWaiting();
                return;
            }

            wait = asks.Answered(DateTimeOffset.UtcNow);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (!ReferenceEquals(asks, _asks))
            {
                return;
            }

            var reason = $"{e.GetType().Name}: {e.Message}";
            wait = asks.Failed(DateTimeOffset.UtcNow, reason);
            if (asks.OutOfAttempts)
            {
                await RecordAsync(null, asks.OutOfAttemptsReason(), askAgain: true);
                return;
            }

            LogAskFailed(logger, this.GetPrimaryKeyString(), reason, wait);
        }

        _keepAlive?.Change(wait, Timeout.InfiniteTimeSpan);
    }

    public Task<BaselineStatus> GetAsync() =>
        Task.FromResult(new BaselineStatus(state.State.Pixels, Pending, state.State.ShownFailure(Pending)));

    public Task RecordAsync(Trials.ProbeScores? pixels, string? failureReason) => RecordAsync(pixels, failureReason, askAgain: false);

    private async Task RecordAsync(Trials.ProbeScores? pixels, string? failureReason, bool askAgain)
    {
        StopWaiting();
        if (state.State.Pixels is not null)
        {
            // A second computation a re-ask started while the first was handing back: the stored baseline stands.
            return;
        }

        // A late result replaces a recorded failure (a computation that outlived the deadline still counts).
        state.State.Pixels = pixels;
        state.State.FailureReason = pixels is null ? failureReason ?? "no reason given" : null;
        state.State.AskAgain = pixels is null && askAgain;
        if (pixels is not null)
        {
            LogComputed(logger, this.GetPrimaryKeyString());
        }
        else
        {
            LogFailed(logger, this.GetPrimaryKeyString(), state.State.FailureReason!);
        }

        await state.WriteStateAsync();
    }

    private void StopWaiting()
    {
        _keepAlive?.Dispose();
        _keepAlive = null;
        _asks = null;
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Study {Study}: raw-pixel baseline computed")]
    private static partial void LogComputed(ILogger logger, string study);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Study {Study}: the raw-pixel baseline could not be computed ({Reason}); its leaderboard shows why")]
    private static partial void LogFailed(ILogger logger, string study, string reason);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Study {Study}: could not ask for the raw-pixel baseline ({Reason}); asking again in {Wait}")]
    private static partial void LogAskFailed(ILogger logger, string study, string reason, TimeSpan wait);
}
