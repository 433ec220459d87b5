namespace LensSweep.Models.Data;

/// <summary>Reads many small files across cores; the first <see cref="DatasetException"/> stops the rest and is rethrown as is.</summary>
internal static class ParallelReads
{
    public static void Run(int count, Action<int> read, string stage, IProgress<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        DatasetException? failure = null;
        var done = 0;
        var step = Math.Max(1, count / 100);
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        progress?.Report(new LoadProgress(stage, 0, count));
        Parallel.For(0, count, options, (i, state) =>
        {
            try
            {
                read(i);
            }
            catch (DatasetException e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
                state.Stop();
                return;
            }

            var now = Interlocked.Increment(ref done);
            if (progress is not null && (now % step == 0 || now == count))
            {
                progress.Report(new LoadProgress(stage, now, count));
            }
        });

        if (failure is not null)
        {
            throw failure;
        }
    }
}
