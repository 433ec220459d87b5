using LensSweep.Grains.Devices;
using LensSweep.Grains.Hosting;
using LensSweep.Grains.Specs;
using LensSweep.Models.Data;
using Microsoft.Extensions.DependencyInjection;
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
[RequireDeviceSlots]
public sealed partial class StudyBaselineGrain(
    [PersistentState("baseline", EngineStorage.GrainStorageName)] IPersistentState<BaselineState> state,
    IServiceProvider services,
    ILogger<StudyBaselineGrain> logger) : Grain, IStudyBaselineGrain
{
    private Task? _computing;
    private IGrainTimer? _keepAlive;

    public Task StartAsync(DatasetOptions dataset, ProbeSettings probe)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(probe);
        if (state.State.Pixels is null && _computing is null && services.GetService<IBaselineScorer>() is { } scorer)
        {
            // Stays active while it computes (the work runs off the grain's scheduler, on the thread pool).
            _keepAlive = this.RegisterGrainTimer(static _ => Task.CompletedTask, new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) { KeepAlive = true, Interleave = true });
            _computing = ComputeAsync(scorer, dataset, probe);
        }

        return Task.CompletedTask;
    }

    public Task<BaselineStatus> GetAsync() =>
        Task.FromResult(new BaselineStatus(state.State.Pixels, _computing is not null, state.State.FailureReason));

    private async Task ComputeAsync(IBaselineScorer scorer, DatasetOptions dataset, ProbeSettings probe)
    {
        var study = this.GetPrimaryKeyString();
        try
        {
            var pixels = await Task.Run(() => scorer.ScorePixelsAsync(dataset, probe, CancellationToken.None));
            state.State.Pixels = pixels;
            state.State.FailureReason = null;
            LogComputed(logger, study);
        }
        catch (Exception e)
        {
            state.State.FailureReason = $"{e.GetType().Name}: {e.Message}";
            LogFailed(logger, e, study);
        }
        finally
        {
            _computing = null;
            _keepAlive?.Dispose();
            _keepAlive = null;
        }

        await state.WriteStateAsync();
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Study {Study}: raw-pixel baseline computed")]
    private static partial void LogComputed(ILogger logger, string study);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Study {Study}: the raw-pixel baseline could not be computed; its leaderboard shows none")]
    private static partial void LogFailed(ILogger logger, Exception exception, string study);
}
