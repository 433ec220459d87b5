using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;

namespace LensSweep.Grains.Tests.Sweeps;

public sealed class TrialTableTests
{
    [Fact]
    public void A_journal_record_newer_than_the_tables_wins()
    {
        var table = new SweepTableState { Trials = { [3] = new TrialRecord { Status = TrialStatus.Paused, Changed = 4 } } };
        var progress = new SweepProgressState { Sequence = 9, Recent = { [3] = new TrialRecord { Status = TrialStatus.Completed, Changed = 7 } } };

        Assert.Equal(TrialStatus.Completed, new TrialTable(progress, table).All[3].Status);
    }

    [Fact]
    public void A_table_record_newer_than_the_journals_wins()
    {
        var table = new SweepTableState { Trials = { [3] = new TrialRecord { Status = TrialStatus.Completed, Changed = 8 } } };
        var progress = new SweepProgressState { Sequence = 9, Recent = { [3] = new TrialRecord { Status = TrialStatus.Paused, Changed = 5 } } };

        Assert.Equal(TrialStatus.Completed, new TrialTable(progress, table).All[3].Status);
    }

    [Fact]
    public void A_touched_record_is_stamped_with_the_coming_write()
    {
        var progress = new SweepProgressState { Sequence = 4 };
        var trials = new TrialTable(progress, new SweepTableState());
        var record = trials.GetOrAdd(2);

        trials.Touch(2, record);

        Assert.Equal(5, record.Changed);
        Assert.Same(record, progress.Recent[2]);
    }

    [Fact]
    public async Task A_crash_between_the_table_write_and_the_journal_clear_still_loads_every_record()
    {
        var progress = new SweepProgressState();
        var trials = new TrialTable(progress, new SweepTableState());
        byte[] storedProgress = BookDriver.Copy(progress), storedTable = BookDriver.Copy(new SweepTableState());
        var writes = 0;
        for (var t = 0; t <= TrialTable.MinimumJournal; t++)
        {
            trials.Touch(t, new TrialRecord { EpochsDone = t });
        }

        Task WriteProgress()
        {
            if (++writes == 2)
            {
                throw new IOException("the silo died");
            }

            storedProgress = BookDriver.Copy(progress);
            return Task.CompletedTask;
        }

        await Assert.ThrowsAsync<IOException>(() => trials.WriteAsync(100, WriteProgress, () =>
        {
            storedTable = BookDriver.Copy(new SweepTableState { Trials = new(trials.All) });
            return Task.CompletedTask;
        }));
        var loaded = new TrialTable(BookDriver.Read<SweepProgressState>(storedProgress), BookDriver.Read<SweepTableState>(storedTable));

        Assert.NotEmpty(BookDriver.Read<SweepTableState>(storedTable).Trials);
        Assert.NotEmpty(BookDriver.Read<SweepProgressState>(storedProgress).Recent);
        Assert.Equal(trials.All.Keys.Order(), loaded.All.Keys.Order());
        Assert.All(loaded.All, t => Assert.Equal(t.Key, t.Value.EpochsDone));
    }

    [Fact]
    public async Task A_journal_past_the_threshold_is_compacted_into_the_table_and_emptied()
    {
        var progress = new SweepProgressState();
        var table = new SweepTableState();
        var trials = new TrialTable(progress, table);
        for (var t = 0; t <= TrialTable.MinimumJournal; t++)
        {
            trials.Touch(t, new TrialRecord());
        }

        var tableWrites = 0;
        await trials.WriteAsync(100, () => Task.CompletedTask, () => Task.FromResult(++tableWrites));

        Assert.Equal(1, tableWrites);
        Assert.Equal(TrialTable.MinimumJournal + 1, table.Trials.Count);
        Assert.Empty(progress.Recent);
        Assert.Equal(1, progress.Sequence);
    }
}
