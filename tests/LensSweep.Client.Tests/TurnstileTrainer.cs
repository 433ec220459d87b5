using LensSweep.Grains.Trials;

namespace LensSweep.Client.Tests;

/// <summary>Holds every rung until the test lets rungs through one by one (or all), then trains as <see cref="InstantTrainer"/>
/// does: a study whose trials change state exactly when a test says so.</summary>
internal sealed class TurnstileTrainer(InstantTrainer inner, RungTurnstile turnstile) : ITrialTrainer
{
    public async Task<RungOutcome> TrainRungAsync(TrialWork work, IProgress<TrialProgress> progress, CancellationToken cancellationToken)
    {
        await turnstile.PassAsync(cancellationToken);
        return await inner.TrainRungAsync(work, progress, cancellationToken);
    }
}

/// <summary>One instance shared by the silo and the test.</summary>
internal sealed class RungTurnstile
{
    private readonly SemaphoreSlim _permits = new(0);
    private volatile bool _open;

    public Task PassAsync(CancellationToken cancellationToken) => _open ? Task.CompletedTask : _permits.WaitAsync(cancellationToken);

    /// <summary>Lets one waiting (or the next) rung train.</summary>
    public void LetOne() => _permits.Release();

    /// <summary>Lets every rung through from now on.</summary>
    public void Open()
    {
        _open = true;
        _permits.Release(1000);
    }
}

/// <summary>Embedded runs that train with <see cref="InstantTrainer"/>, whose process-wide <see cref="InstantTrainer.Calls"/>
/// some of them compare before and after: they run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class EmbeddedRuns
{
    public const string Name = "embedded runs counting InstantTrainer calls";
}
