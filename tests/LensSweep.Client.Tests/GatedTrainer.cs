using LensSweep.Grains.Trials;

namespace LensSweep.Client.Tests;

/// <summary>Holds every rung until the test opens the gate, then trains as <see cref="InstantTrainer"/> does: a study that
/// stays running for as long as a test needs.</summary>
internal sealed class GatedTrainer(InstantTrainer inner, TrainerGate gate) : ITrialTrainer
{
    public async Task<RungOutcome> TrainRungAsync(TrialWork work, IProgress<TrialProgress> progress, CancellationToken cancellationToken)
    {
        gate.Arrived();
        await gate.Open.WaitAsync(cancellationToken);
        return await inner.TrainRungAsync(work, progress, cancellationToken);
    }
}

/// <summary>One instance shared by every silo of a test.</summary>
internal sealed class TrainerGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstArrival = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Open => _open.Task;

    /// <summary>Completes when the first rung starts training.</summary>
    public Task FirstArrival => _firstArrival.Task;

    public void Arrived() => _firstArrival.TrySetResult();

    public void Release() => _open.TrySetResult();
}
