namespace LensSweep.Grains.Scheduling;

/// <summary>
/// Everything a scheduler has decided, as plain data, for the sweep grain to persist (it carries no
/// Orleans attributes: the grain maps it onto its own state record). Rebuild the scheduler with
/// <see cref="StudySchedulers.Restore"/> and the same options: the restored scheduler makes the same
/// decisions the original would have made. Only trials that have started appear in <see cref="Trials"/>.
/// </summary>
/// <param name="TrialCount">N: trials 0..N-1.</param>
/// <param name="NextNewTrial">The lowest trial number that has never started.</param>
/// <param name="Trials">Every started trial, by trial number.</param>
public sealed record SchedulerSnapshot(int TrialCount, int NextNewTrial, IReadOnlyList<TrialSnapshot> Trials);

/// <summary>One started trial.</summary>
/// <param name="Trial">The trial number.</param>
/// <param name="Rung">The highest rung it was told to run.</param>
/// <param name="IsRunning">It is training <see cref="Rung"/> now (decided, not yet reported).</param>
/// <param name="HasFailed">It failed or was cancelled and will never run again.</param>
/// <param name="Scores">Its reported score at rungs 0, 1, …, in order.</param>
public sealed record TrialSnapshot(int Trial, int Rung, bool IsRunning, bool HasFailed, IReadOnlyList<double> Scores);
