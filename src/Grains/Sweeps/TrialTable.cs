namespace LensSweep.Grains.Sweeps;

/// <summary>
/// Every started trial's record, kept as a table with a journal over it so that a batch writes what it
/// changed rather than every record. The invariant, stated once: a record is stamped with the
/// <see cref="SweepProgressState.Sequence"/> of the write that carries it; loading lays the journal
/// (<see cref="SweepProgressState.Recent"/>) over the table (<see cref="SweepTableState"/>) and the
/// newer stamp wins (a journal record as new as the table's wins too: it is the same change). Compaction
/// writes the whole table and only then empties the journal, so a crash in between leaves a journal
/// whose records are no newer than the table's, and loading stays correct. No Orleans types: the grain
/// hands over its two state objects and its two writes.
/// </summary>
public sealed class TrialTable
{
    /// <summary>The journal never holds fewer records than this before it is compacted.</summary>
    public const int MinimumJournal = 256;

    private readonly SweepProgressState progress;
    private readonly SweepTableState table;
    private readonly Dictionary<int, TrialRecord> trials;

    public TrialTable(SweepProgressState progress, SweepTableState table)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(table);
        this.progress = progress;
        this.table = table;
        trials = new Dictionary<int, TrialRecord>(table.Trials);
        foreach (var (trial, record) in progress.Recent)
        {
            if (!trials.TryGetValue(trial, out var tabled) || record.Changed >= tabled.Changed)
            {
                trials[trial] = record;
            }
        }
    }

    /// <summary>Every started trial by number, journal over table.</summary>
    public IReadOnlyDictionary<int, TrialRecord> All => trials;

    /// <summary>The journal outgrows a sixteenth of the study (at least <see cref="MinimumJournal"/>) before the table is rewritten.</summary>
    public static int CompactionThreshold(int trialCount) => Math.Max(MinimumJournal, trialCount / 16);

    public bool TryGet(int trial, out TrialRecord record) => trials.TryGetValue(trial, out record!);

    /// <summary>The trial's record, a fresh one if it never started.</summary>
    public TrialRecord GetOrAdd(int trial)
    {
        if (!trials.TryGetValue(trial, out var record))
        {
            record = new TrialRecord();
            trials[trial] = record;
        }

        return record;
    }

    /// <summary>Marks a record as changed by the coming write.</summary>
    public void Touch(int trial, TrialRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        trials[trial] = record;
        record.Changed = progress.Sequence + 1;
        progress.Recent[trial] = record;
    }

    /// <summary>One write of the header and the journal; past the <see cref="CompactionThreshold"/>, the
    /// whole table is written and then the journal emptied and written again.</summary>
    public async Task WriteAsync(int trialCount, Func<Task> writeProgress, Func<Task> writeTable)
    {
        ArgumentNullException.ThrowIfNull(writeProgress);
        ArgumentNullException.ThrowIfNull(writeTable);
        progress.Sequence++;
        await writeProgress();
        if (progress.Recent.Count > CompactionThreshold(trialCount))
        {
            table.Trials = new Dictionary<int, TrialRecord>(trials);
            await writeTable();
            progress.Recent.Clear();
            await writeProgress();
        }
    }
}
