using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using LensSweep.Grains.Storage;
using LensSweep.Grains.Trials;
using Orleans.Runtime;

namespace LensSweep.Grains.Tests.Integration;

/// <summary>One optimiser step as a <see cref="SteppedTrainer"/> trained it.</summary>
internal sealed record TrainedStep(string Study, int Trial, int Attempt, int Epoch, int Step, SiloAddress Silo);

/// <summary>One call to a <see cref="SteppedTrainer"/>, recorded as it starts.</summary>
internal sealed record SteppedCall(string Study, int Trial, int Attempt, int FromEpoch, int FromStep, string? ResumeFromKey, SiloAddress Silo, DateTime StartedUtc);

/// <summary>What every silo's <see cref="SteppedTrainer"/> shares: the steps trained, the calls, and a gate that
/// holds every trial before one step until the test opens it (or the silo's drain asks the trial to stop).</summary>
internal sealed class StepScript
{
    public const int StepsPerEpoch = 10;
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private (int Epoch, int Step)? _holdAt;
    private int _waiting;

    public ConcurrentQueue<TrainedStep> Steps { get; } = new();

    public ConcurrentQueue<SteppedCall> Calls { get; } = new();

    public TimeSpan StepTime { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Trials waiting at the gate now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public void HoldAt(int epoch, int step)
    {
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _holdAt = (epoch, step);
    }

    public void Open()
    {
        _holdAt = null;
        _gate.TrySetResult();
    }

    /// <summary>Returns when the step may run or the trainer was asked to stop.</summary>
    internal async Task WaitAtGateAsync(int epoch, int step, CancellationToken stop, CancellationToken cancellationToken)
    {
        if (_holdAt != (epoch, step))
        {
            return;
        }

        Interlocked.Increment(ref _waiting);
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, cancellationToken);
            await _gate.Task.WaitAsync(linked.Token).ContinueWith(static _ => { }, TaskScheduler.Default);
            cancellationToken.ThrowIfCancellationRequested();
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }
}

/// <summary>
/// A trainer with steps: <see cref="StepScript.StepsPerEpoch"/> steps an epoch, each recorded; it honours the
/// drain's stop token between steps, storing "epoch:step" as its checkpoint, and refuses to resume from a
/// checkpoint that is not where the work says it starts, so a trial that lost or repeated steps fails loudly.
/// </summary>
internal sealed class SteppedTrainer(StepScript script, IArtifactStore artifacts, ILocalSiloDetails silo) : ITrialTrainer
{
    public Task<RungOutcome> TrainRungAsync(TrialWork work, IProgress<TrialProgress> progress, CancellationToken cancellationToken) =>
        TrainRungAsync(work, progress, CancellationToken.None, cancellationToken);

    public async Task<RungOutcome> TrainRungAsync(TrialWork work, IProgress<TrialProgress> progress, CancellationToken stop, CancellationToken cancellationToken)
    {
        script.Calls.Enqueue(new SteppedCall(work.StudyId, work.Trial, work.Attempt, work.FromEpoch, work.FromStep, work.ResumeFromKey, silo.SiloAddress, DateTime.UtcNow));
        var resumed = await ReadCheckpointAsync(work, cancellationToken);
        if (resumed != (work.FromEpoch, work.FromStep))
        {
            throw new InvalidOperationException($"Trial {work.Trial} was asked to resume at epoch {work.FromEpoch} step {work.FromStep} but its checkpoint holds {resumed}.");
        }

        var losses = new List<double>();
        for (var epoch = work.FromEpoch; epoch < work.ToEpoch; epoch++)
        {
            for (var step = epoch == work.FromEpoch ? work.FromStep : 0; step < StepScript.StepsPerEpoch; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await script.WaitAtGateAsync(epoch, step, stop, cancellationToken);
                if (stop.IsCancellationRequested)
                {
                    await PutAsync(work.StopCheckpointKey, epoch, step, cancellationToken);
                    return new RungOutcome(null, new TrialCost(0, 0), losses) { StoppedAt = new StepPosition(epoch, step) };
                }

                await Task.Delay(script.StepTime, cancellationToken);
                script.Steps.Enqueue(new TrainedStep(work.StudyId, work.Trial, work.Attempt, epoch, step, silo.SiloAddress));
            }

            losses.Add(1.0 / (epoch + 1));
            progress.Report(new TrialProgress(epoch + 1, losses[^1]));
        }

        await PutAsync(work.CheckpointKey, work.ToEpoch, 0, cancellationToken);
        var score = TrainerScript.Score(work.Config, work.ToEpoch);
        return new RungOutcome(work.ProbeAtEnd ? new ProbeScores(score, score / 2) : null, new TrialCost(work.ToEpoch - work.FromEpoch, 1e6), losses);
    }

    private Task PutAsync(string key, int epoch, int step, CancellationToken cancellationToken) =>
        artifacts.PutAsync(key, new MemoryStream(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{epoch}:{step}"))), cancellationToken);

    private async Task<(int Epoch, int Step)> ReadCheckpointAsync(TrialWork work, CancellationToken cancellationToken)
    {
        if (work.ResumeFromKey is null)
        {
            return (0, 0);
        }

        await using var stream = await artifacts.OpenReadAsync(work.ResumeFromKey, cancellationToken)
            ?? throw new InvalidOperationException($"Checkpoint '{work.ResumeFromKey}' of trial {work.Trial} is missing.");
        using var reader = new StreamReader(stream);
        var parts = (await reader.ReadToEndAsync(cancellationToken)).Split(':');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
