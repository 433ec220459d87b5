namespace LensSweep.Models.Data;

/// <summary>
/// Reads many small files across cores. A file that fails does not stop the others: every
/// <see cref="DatasetException"/> is kept and thrown together at the end (<see cref="DatasetException.Of"/>),
/// so a report lists every unreadable file, not only the first.
/// </summary>
internal static class ParallelReads
{
    public static void Run(int count, Action<int> read, string stage, IProgress<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        var failures = new System.Collections.Concurrent.ConcurrentBag<DatasetException>();
        var done = 0;
        var step = Math.Max(1, count / 100);
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        progress?.Report(new LoadProgress(stage, 0, count));
        Parallel.For(0, count, options, i =>
        {
            try
            {
                read(i);
            }
            catch (DatasetException e)
            {
                failures.Add(e);
            }

            var now = Interlocked.Increment(ref done);
            if (progress is not null && (now % step == 0 || now == count))
            {
                progress.Report(new LoadProgress(stage, now, count));
            }
        });

        if (!failures.IsEmpty)
        {
            throw DatasetException.Of(failures);
        }
    }
}
