using System.Net;
using LensSweep.Grains.Devices;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;

namespace LensSweep.Grains.Tests.Sweeps;

/// <summary>
/// Plays the sweep grain's batch against a <see cref="StudyBook"/> with no cluster: a ledger of
/// <c>slots</c> leases, a store that keeps serialized copies of what each write would persist (the
/// Orleans serializer, as grain storage uses), and trials that finish in an order a seeded generator
/// picks, scoring by (trial, rung). Two drivers with the same seed and the same decisions make the same
/// calls, so a book rebuilt from the store can be checked against one that never was.
/// </summary>
internal sealed class BookDriver
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
    private readonly Random random;
    private readonly SweepPlan plan;
    private readonly List<SlotLease> free;
    private readonly Dictionary<int, TrialAssignment> training = [];
    private readonly Queue<RungReport> reports = new();
    private long nextLease = 1;

    public BookDriver(SweepPlan plan, int slots, int seed)
        : this(plan, StudyBook.Load(plan, new SweepProgressState(), new SweepTableState()), slots, seed, firstLease: 1)
    {
        Book.Start();
        Persist();
    }

    /// <summary>Drives a book loaded from elsewhere; its ledger's lease ids start at <paramref name="firstLease"/>.</summary>
    public BookDriver(SweepPlan plan, StudyBook book, int slots, int seed, long firstLease)
    {
        this.plan = plan;
        random = new Random(seed);
        nextLease = firstLease;
        free = [.. Enumerable.Range(0, slots).Select(NextLease)];
        Book = book;
    }

    public StudyBook Book { get; private set; }

    /// <summary>Every assignment sent, in order.</summary>
    public List<TrialAssignment> Sent { get; } = [];

    public byte[] StoredProgress { get; private set; } = [];

    public byte[] StoredTable { get; private set; } = Copy(new SweepTableState());

    public int MostLeasesHeld { get; private set; }

    public static byte[] Copy<T>(T value) => Serializer.SerializeToArray(value);

    public static T Read<T>(byte[] bytes) => Serializer.Deserialize<T>(bytes) ?? throw new InvalidDataException("nothing stored");

    /// <summary>The book as a fresh activation would load it from the store.</summary>
    public void Reload() => Book = StudyBook.Load(plan, Read<SweepProgressState>(StoredProgress), Read<SweepTableState>(StoredTable));

    /// <summary>One batch as the grain runs it (<see cref="StudyBatch"/>: apply reports, assign, lease, end the
    /// batch), then write, release, dispatch.</summary>
    public void Batch()
    {
        var queued = reports.ToList();
        reports.Clear();
        var batch = StudyBatch.DecideAsync(Book, [], queued, Acquire, new FixedClock(DateTimeOffset.UnixEpoch)).GetAwaiter().GetResult();
        MostLeasesHeld = Math.Max(MostLeasesHeld, Book.State.Leases.Count);
        Persist();
        free.AddRange(batch.Release);
        foreach (var assignment in batch.Send)
        {
            Sent.Add(assignment);
            training[assignment.Trial] = assignment;
        }
    }

    /// <summary>A trial picked by the generator finishes its rung (fails when <paramref name="fails"/> says so).</summary>
    public void FinishOne(Func<int, bool>? fails = null)
    {
        if (training.Count == 0)
        {
            return;
        }

        var trial = training.Keys.Order().ElementAt(random.Next(training.Count));
        var run = training[trial];
        training.Remove(trial);
        reports.Enqueue(fails?.Invoke(trial) == true
            ? new RungReport(plan.StudyId, trial, run.Attempt, run.Rung, run.ToEpoch, null, TrialCost.Zero, "scripted failure")
            : new RungReport(plan.StudyId, trial, run.Attempt, run.Rung, run.ToEpoch, Scores(trial, run.Rung), new TrialCost(run.ToEpoch, 1)));
    }

    /// <summary>Runs batches until the study ends (or <paramref name="maxBatches"/>), restoring the book from the store after each when asked.</summary>
    public void Run(bool reloadEveryBatch = false, int maxBatches = 10_000, Func<int, bool>? fails = null)
    {
        for (var i = 0; i < maxBatches && Book.State.Phase == SweepPhase.Running; i++)
        {
            Batch();
            if (reloadEveryBatch)
            {
                Reload();
            }

            FinishOne(fails);
        }
    }

    public static ProbeScores Scores(int trial, int rung)
    {
        var score = Math.Round(Math.Abs(Math.Sin((trial * 12.9898) + (rung * 78.233)) * 43758.5453) % 1.0, 6);
        return new ProbeScores(score, score / 2);
    }

    public static SlotLease NewLease(long id, int device) =>
        new(id, "study", new DeviceSlot(SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1), $"cpu:{device}"));

    private SlotLease NextLease(int device) => NewLease(nextLease++, device);

    /// <summary>The ledger's answer: up to <paramref name="wanted"/> of its free slots.</summary>
    private Task<IReadOnlyList<SlotLease>> Acquire(int wanted)
    {
        var granted = free.Take(wanted).ToList();
        free.RemoveAll(granted.Contains);
        return Task.FromResult<IReadOnlyList<SlotLease>>(granted);
    }

    private void Persist() => Book.Table.WriteAsync(plan.TrialCount, () =>
    {
        StoredProgress = Copy(Book.State);
        return Task.CompletedTask;
    }, () =>
    {
        StoredTable = Copy(new SweepTableState { Trials = new(Book.Table.All) });
        return Task.CompletedTask;
    }).GetAwaiter().GetResult();
}
