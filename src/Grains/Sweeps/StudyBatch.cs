using LensSweep.Grains.Devices;
using LensSweep.Grains.Trials;

namespace LensSweep.Grains.Sweeps;

/// <summary>
/// One batch of a study's pump, as the <see cref="StudyBook"/> decides it, in the order the decisions are
/// made: every queued report applied, each free slot given its next decision, more slots leased when there is
/// work and room (the only call, handed in as <c>acquire</c>), and the batch ended. Nothing here writes or
/// tells anyone: the sweep grain persists the book and only then releases the slots and sends the trials
/// their assignments.
/// </summary>
public static class StudyBatch
{
    /// <summary>Decides one batch. <paramref name="pokes"/> are the running trials a reconcile pass found to
    /// re-send their current assignment; a trial assigned anew in this batch is sent its new assignment only.</summary>
    public static async Task<BatchDecisions> DecideAsync(
        StudyBook book,
        IReadOnlyList<TrialAssignment> pokes,
        IEnumerable<RungReport> reports,
        Func<int, Task<IReadOnlyList<SlotLease>>> acquire,
        TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(pokes);
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(acquire);
        ArgumentNullException.ThrowIfNull(clock);
        foreach (var report in reports)
        {
            book.Apply(report);
        }

        var assignments = book.AssignFreeSlots();
        if (book.WantsSlots)
        {
            assignments.AddRange(book.AddLeases(await acquire(book.SlotsWanted)));
        }

        var end = book.EndBatch(clock.GetUtcNow());
        var assigned = assignments.Select(a => a.Trial).ToHashSet();
        return new BatchDecisions([.. assignments, .. pokes.Where(p => !assigned.Contains(p.Trial))], end.Release, end.Finished);
    }
}

/// <summary>What a batch decided: the assignments to send (new ones first, then re-sent ones), the slots to
/// hand back once the batch is written, and whether the study just finished.</summary>
public sealed record BatchDecisions(IReadOnlyList<TrialAssignment> Send, IReadOnlyList<SlotLease> Release, bool Finished);
