using System.Collections.Concurrent;
using System.Text.Json;
using LensSweep.Client.Engine;
using LensSweep.Grains.Hosting;
using LensSweep.Grains.Storage;
using LensSweep.Grains.Trials;

namespace LensSweep.Client.Tests;

public sealed class InterruptedRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-interrupted-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_run_interrupted_mid_study_continues_without_retraining_finished_epochs()
    {
        var services = new CliServices { Embedded = new EmbeddedSiloLauncher(silo => silo.AddLensSweepTrainer<CountingTrainer>()) };
        CountingTrainer.Reset(blockAfter: 4);
        using var ctrlC = new CancellationTokenSource();
        var first = CliHarness.RunAsync(services, ctrlC.Token, "run", StudyCommandTests.QuickSpec, "--out", _folder, "--slots", "1");
        await CountingTrainer.Blocked.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var trainedBefore = CountingTrainer.Finished.ToList();
        await ctrlC.CancelAsync();
        var (interrupted, _, _) = await first.WaitAsync(TimeSpan.FromMinutes(1));

        CountingTrainer.Reset(blockAfter: int.MaxValue);
        var (code, output, error) = await CliHarness.RunAsync(services, "run", StudyCommandTests.QuickSpec, "--out", _folder, "--slots", "1");

        Assert.Equal(ExitCodes.Failed, interrupted);
        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        using var leaderboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_folder, "leaderboard.json")));
        Assert.Equal(4, leaderboard.RootElement.GetProperty("rows").GetArrayLength());
        // Epochs that finished before Ctrl+C are not trained again; one slot loses at most the epoch in flight.
        var retrained = CountingTrainer.Finished.Intersect(trainedBefore).Count();
        Assert.True(retrained <= 1, $"{retrained} finished epochs were trained again: {string.Join(", ", CountingTrainer.Finished.Intersect(trainedBefore))}");
        Assert.NotEmpty(trainedBefore);
    }

    /// <summary>Trains instantly, records every finished (trial, epochs) call, and after a number of calls
    /// blocks until cancelled, as a long epoch would when the user presses Ctrl+C.</summary>
    private sealed class CountingTrainer(IArtifactStore artifacts) : ITrialTrainer
    {
        private static int _calls;
        private static int _blockAfter;

        public static ConcurrentBag<(int Trial, int From, int To)> Finished { get; private set; } = [];

        public static TaskCompletionSource Blocked { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static void Reset(int blockAfter)
        {
            _calls = 0;
            _blockAfter = blockAfter;
            Finished = [];
            Blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public async Task<RungOutcome> TrainRungAsync(TrialWork work, IProgress<TrialProgress> progress, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) > _blockAfter)
            {
                Blocked.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            await artifacts.PutAsync(work.CheckpointKey, new MemoryStream([1, 2, 3]), cancellationToken);
            Finished.Add((work.Trial, work.FromEpoch, work.ToEpoch));
            var score = 0.5 + (work.Config.MaskRatio * 0.3) + (work.ToEpoch * 0.01);
            return new RungOutcome(
                work.ProbeAtEnd ? new ProbeScores(score, score - 0.1) : null,
                new TrialCost(0.01, 1e6),
                Enumerable.Repeat(0.5, work.ToEpoch - work.FromEpoch).ToList());
        }
    }
}
