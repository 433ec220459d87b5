namespace LensSweep.Grains.Baselines;

/// <summary>
/// The bounded, backed-off asks for one pixel baseline, as plain bookkeeping: when the next ask is due, and when
/// to stop. The sweep keeps one for its ask of <see cref="IStudyBaselineGrain"/>, that grain one for its ask of
/// <see cref="IBaselineComputeGrain"/>. The wait after the n-th ask is <see cref="PixelBaselineOptions.FirstRetryDelay"/>
/// doubled n-1 times, at most <see cref="PixelBaselineOptions.MaxRetryDelay"/>.
/// </summary>
public sealed class BaselineAsks(PixelBaselineOptions options, DateTimeOffset firstAsk)
{
    private int _asks;

    /// <summary>Failed asks since the last answered one.</summary>
    public int FailuresInARow { get; private set; }

    /// <summary>When the next ask is due; <see cref="DateTimeOffset.MinValue"/> before the first.</summary>
    public DateTimeOffset NextAsk { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>The last failed ask's reason, for the failure this records once the asks run out.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>True once <see cref="PixelBaselineOptions.AskAttempts"/> asks in a row failed: ask no more.</summary>
    public bool OutOfAttempts => FailuresInARow >= options.AskAttempts;

    /// <summary>True once <see cref="PixelBaselineOptions.GiveUpAfter"/> passed since the first ask.</summary>
    public bool PastDeadline(DateTimeOffset now) => now - firstAsk >= options.GiveUpAfter;

    public bool IsDue(DateTimeOffset now) => !OutOfAttempts && now >= NextAsk;

    /// <summary>The ask was answered; the next (a re-ask that finds a computation lost with its silo) waits longer.</summary>
    /// <returns>The wait until the next ask.</returns>
    public TimeSpan Answered(DateTimeOffset now)
    {
        FailuresInARow = 0;
        return Schedule(now);
    }

    /// <returns>The wait until the next ask; meaningless once <see cref="OutOfAttempts"/>.</returns>
    public TimeSpan Failed(DateTimeOffset now, string reason)
    {
        FailuresInARow++;
        LastFailure = reason;
        return Schedule(now);
    }

    /// <summary>The reason recorded when the asks ran out.</summary>
    public string OutOfAttemptsReason() =>
        $"could not ask for the computation ({FailuresInARow} asks in a row failed; last: {LastFailure ?? "no reason given"})";

    /// <summary>The reason recorded when the deadline passed with no result.</summary>
    public string PastDeadlineReason() =>
        $"no result within {options.GiveUpAfter} of the first ask (the computing silo was lost or the scorer hangs)";

    private TimeSpan Schedule(DateTimeOffset now)
    {
        _asks++;
        var ticks = options.FirstRetryDelay.Ticks * Math.Pow(2, Math.Min(_asks - 1, 62));
        var wait = ticks >= options.MaxRetryDelay.Ticks ? options.MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
        NextAsk = now + wait;
        return wait;
    }
}
