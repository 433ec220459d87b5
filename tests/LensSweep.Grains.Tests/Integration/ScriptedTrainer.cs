using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Storage;
using LensSweep.Grains.Trials;
using Orleans.Runtime;

namespace LensSweep.Grains.Tests.Integration;

/// <summary>One trainer call as the script saw it.</summary>
internal sealed record TrainerCall(string Study, int Trial, int Attempt, int FromEpoch, int ToEpoch, string? ResumeFromKey, string Device, SiloAddress Silo);

/// <summary>
/// What every silo's <see cref="ScriptedTrainer"/> shares in a test: the record of calls, the highest
/// concurrency seen per study and per slot, and gates that hold calls until a test opens them.
/// </summary>
internal sealed class TrainerScript
{
    private readonly ConcurrentDictionary<string, Gate> _gates = new();
    private readonly ConcurrentDictionary<string, (Func<int, bool> Trials, string Message)> _failures = new();
    private readonly ConcurrentDictionary<string, int> _running = new();
    private readonly ConcurrentDictionary<string, int> _maxRunning = new();
    private readonly object _lock = new();

    /// <summary>Calls that trained (from one epoch to a later one).</summary>
    public ConcurrentQueue<TrainerCall> Calls { get; } = new();

    /// <summary>Calls that only scored the untrained encoder (epoch 0 to epoch 0).</summary>
    public ConcurrentQueue<TrainerCall> InitialScorings { get; } = new();

    /// <summary>Completed calls, by study.</summary>
    public ConcurrentQueue<TrainerCall> Completed { get; } = new();

    /// <summary>The probe score of a configuration after some epochs: deterministic, different per
    /// configuration, improving with epochs at a configuration-dependent rate (so rankings can change
    /// between rungs).</summary>
    /// <summary>What a trial's untrained encoder scores above <see cref="Score"/> at epoch 0, so a gain differs from the score.</summary>
    public const double InitialOffset = 0.01;

    public static double Score(TrialConfig config, int epochs) =>
        Math.Round((config.MaskRatio * (1 - Math.Exp(-epochs / 2.0))) + (config.LearningRate * 100 * epochs / 10.0), 9);

    /// <summary>Holds every call of <paramref name="study"/> that starts at or after <paramref name="fromEpoch"/>
    /// (and, when given, whose trial matches <paramref name="trials"/>) until <see cref="Open"/>.</summary>
    public void Hold(string study, int fromEpoch = 0, Func<int, bool>? trials = null) => _gates[study] = new Gate(fromEpoch, trials ?? (_ => true));

    /// <summary>Every call of <paramref name="study"/> for a trial matching <paramref name="trials"/> throws
    /// an <see cref="InvalidDataException"/> with <paramref name="message"/>, as a trainer failing on bad data would.</summary>
    public void Fail(string study, Func<int, bool> trials, string message) => _failures[study] = (trials, message);

    internal void ThrowIfScriptedToFail(TrialWork work)
    {
        if (_failures.TryGetValue(work.StudyId, out var failure) && failure.Trials(work.Trial))
        {
            throw new InvalidDataException(failure.Message);
        }
    }

    public void Open(string study)
    {
        if (_gates.TryRemove(study, out var gate))
        {
            gate.Opened.TrySetResult();
        }
    }

    public int Running(string key) => _running.GetValueOrDefault(key);

    public int MaxRunning(string key) => _maxRunning.GetValueOrDefault(key);

    public IEnumerable<TrainerCall> CallsOf(string study) => Calls.Where(c => c.Study == study);

    internal async Task WaitAtGateAsync(TrialWork work, CancellationToken cancellationToken)
    {
        if (_gates.TryGetValue(work.StudyId, out var gate) && work.FromEpoch >= gate.FromEpoch && gate.Trials(work.Trial))
        {
            await gate.Opened.Task.WaitAsync(cancellationToken);
        }
    }

    internal void Enter(params string[] keys)
    {
        lock (_lock)
        {
            foreach (var key in keys)
            {
                var now = _running.AddOrUpdate(key, 1, (_, n) => n + 1);
                _maxRunning.AddOrUpdate(key, now, (_, max) => Math.Max(max, now));
            }
        }
    }

    internal void Leave(params string[] keys)
    {
        lock (_lock)
        {
            foreach (var key in keys)
            {
                _running.AddOrUpdate(key, 0, (_, n) => n - 1);
            }
        }
    }

    private sealed record Gate(int FromEpoch, Func<int, bool> Trials)
    {
        public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>
/// A deterministic trainer: one call per silo, scores from <see cref="TrainerScript.Score"/>, checkpoints
/// that hold their epoch count (and are checked on resume, so a trial that restarted instead of resuming
/// fails loudly), gates that block on demand.
/// </summary>
internal sealed class ScriptedTrainer(TrainerScript script, IArtifactStore artifacts, ILocalSiloDetails silo) : ITrialTrainer
{
    public async Task<RungOutcome> TrainRungAsync(TrialWork work, IProgress<TrialProgress> progress, CancellationToken cancellationToken)
    {
        var call = new TrainerCall(work.StudyId, work.Trial, work.Attempt, work.FromEpoch, work.ToEpoch, work.ResumeFromKey, work.Device, silo.SiloAddress);
        if (work.FromEpoch == work.ToEpoch)
        {
            // The random-init baseline: scored, never trained or checkpointed.
            script.InitialScorings.Enqueue(call);
            var initial = TrainerScript.Score(work.Config, 0) + TrainerScript.InitialOffset;
            return new RungOutcome(new ProbeScores(initial, initial / 2), TrialCost.Zero, []);
        }

        script.Calls.Enqueue(call);
        var slotKey = $"slot:{silo.SiloAddress}/{work.Device}";
        var studyKey = $"study:{work.StudyId}";
        script.Enter(slotKey, studyKey);
        try
        {
            var resumed = await ReadCheckpointAsync(work, cancellationToken);
            if (resumed != work.FromEpoch)
            {
                throw new InvalidOperationException($"Trial {work.Trial} was asked to resume from epoch {work.FromEpoch} but its checkpoint holds {resumed}.");
            }

            await script.WaitAtGateAsync(work, cancellationToken);
            script.ThrowIfScriptedToFail(work);
            var losses = new List<double>();
            for (var epoch = work.FromEpoch; epoch < work.ToEpoch; epoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                losses.Add(1.0 / (epoch + 1));
                progress.Report(new TrialProgress(epoch + 1, losses[^1]));
            }

            await artifacts.PutAsync(work.CheckpointKey, new MemoryStream(Encoding.UTF8.GetBytes(work.ToEpoch.ToString(CultureInfo.InvariantCulture))), cancellationToken);
            var score = TrainerScript.Score(work.Config, work.ToEpoch);
            script.Completed.Enqueue(call);
            return new RungOutcome(work.ProbeAtEnd ? new ProbeScores(score, score / 2) : null, new TrialCost(work.ToEpoch - work.FromEpoch, 1e6), losses);
        }
        finally
        {
            script.Leave(slotKey, studyKey);
        }
    }

    private async Task<int> ReadCheckpointAsync(TrialWork work, CancellationToken cancellationToken)
    {
        if (work.ResumeFromKey is null)
        {
            return 0;
        }

        await using var stream = await artifacts.OpenReadAsync(work.ResumeFromKey, cancellationToken)
            ?? throw new InvalidOperationException($"Checkpoint '{work.ResumeFromKey}' of trial {work.Trial} is missing.");
        using var reader = new StreamReader(stream);
        return int.Parse(await reader.ReadToEndAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
