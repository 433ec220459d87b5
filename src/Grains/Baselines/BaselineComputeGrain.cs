using LensSweep.Grains.Devices;
using LensSweep.Grains.Specs;
using LensSweep.Models.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using LensSweep.Grains.Hosting;

namespace LensSweep.Grains.Baselines;

/// <inheritdoc cref="IBaselineComputeGrain"/>
[RequireDeviceSlots]
public sealed partial class BaselineComputeGrain(IServiceProvider services, IOptions<EngineOptions> options, ILogger<BaselineComputeGrain> logger) : Grain, IBaselineComputeGrain
{
    private Task? _computing;
    private IGrainTimer? _keepAlive;

    public Task<bool> StartAsync(DatasetOptions dataset, ProbeSettings probe)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(probe);
        if (services.GetService<IBaselineScorer>() is not { } scorer)
        {
            return Task.FromResult(false);
        }

        if (_computing is null)
        {
            // Stays active while it computes (the work runs off the grain's scheduler, on the thread pool).
            _keepAlive = this.RegisterGrainTimer(static _ => Task.CompletedTask, new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) { KeepAlive = true, Interleave = true });
            _computing = ComputeAsync(scorer, dataset, probe);
        }

        return Task.FromResult(true);
    }

    private async Task ComputeAsync(IBaselineScorer scorer, DatasetOptions dataset, ProbeSettings probe)
    {
        Trials.ProbeScores? pixels = null;
        string? failure = null;
        // Bounded: a scorer that hangs is cancelled, and one that ignores the cancellation is let go, so neither
        // this grain nor the study's baseline grain stays active for it.
        var timeout = options.Value.PixelBaseline.ComputeTimeout;
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            pixels = await Task.Run(() => scorer.ScorePixelsAsync(dataset, probe, cancel.Token)).WaitAsync(timeout);
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && cancel.IsCancellationRequested))
        {
            failure = $"the computation did not finish within {timeout} (EngineOptions.PixelBaseline.ComputeTimeout)";
        }
        catch (Exception e)
        {
            failure = $"{e.GetType().Name}: {e.Message}";
        }

        try
        {
            await GrainFactory.GetGrain<IStudyBaselineGrain>(this.GetPrimaryKeyString()).RecordAsync(pixels, failure);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The study's baseline grain asks again at its next tick and gets a new computation.
            LogRecordFailed(logger, e, this.GetPrimaryKeyString());
        }
        finally
        {
            _computing = null;
            _keepAlive?.Dispose();
            _keepAlive = null;
            DeactivateOnIdle();
        }
    }

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "Study {Study}: the raw-pixel baseline was computed but could not be handed to the study; it is computed again when the study asks next")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string study);
}
