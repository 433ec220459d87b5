using LensSweep.Client.Terminal;
using Spectre.Console;
using LensSweep.Reporting.Studies;

namespace LensSweep.Client.Watch;

/// <summary>
/// Follows a stream of study snapshots until the study finishes or the stream ends: live redrawing on a
/// terminal, plain lines anywhere else. The stream is the only input, so the engine, a test, or a replay
/// can drive it alike.
/// </summary>
public static class StudyWatcher
{
    /// <returns>The last snapshot seen, or null when the stream ended before sending one.</returns>
    public static async Task<StudySnapshot?> WatchAsync(
        IAsyncEnumerable<StudySnapshot> snapshots, CliConsole console, CancellationToken cancellationToken)
    {
        if (!console.IsInteractive)
        {
            var log = new PlainWatchLog(console.Out);
            StudySnapshot? lastPlain = null;
            await foreach (var snapshot in snapshots.WithCancellation(cancellationToken))
            {
                log.Write(snapshot);
                lastPlain = snapshot;
                if (snapshot.IsFinished)
                {
                    break;
                }
            }

            return lastPlain;
        }

        StudySnapshot? last = null;
        await console.Ansi.Live(new Markup("[grey]waiting for the first status…[/]"))
            .AutoClear(false)
            .StartAsync(async context =>
            {
                await foreach (var snapshot in snapshots.WithCancellation(cancellationToken))
                {
                    context.UpdateTarget(WatchRenderer.Render(snapshot));
                    last = snapshot;
                    if (snapshot.IsFinished)
                    {
                        break;
                    }
                }
            });
        return last;
    }
}
