using System.Globalization;

namespace LensSweep.Grains.Trials;

/// <summary>How trials are named: grain keys and artifact keys.</summary>
public static class TrialKeys
{
    /// <summary>The trial grain's key: <c>{studyId}/{trial}</c>.</summary>
    public static string GrainKey(string studyId, int trial) => $"{studyId}/{trial.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Splits a trial grain key; throws an <see cref="ArgumentException"/> naming a malformed key.</summary>
    public static (string StudyId, int Trial) Parse(string grainKey)
    {
        var cut = grainKey.LastIndexOf('/');
        if (cut <= 0 || !int.TryParse(grainKey.AsSpan(cut + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var trial))
        {
            throw new ArgumentException($"Trial grain key '{grainKey}' is not '{{studyId}}/{{trial number}}'.", nameof(grainKey));
        }

        return (grainKey[..cut], trial);
    }

    /// <summary>The trial number in a grain key, or null when <paramref name="grainKey"/> is not one.</summary>
    public static int? TrialNumberOf(string grainKey)
    {
        var cut = grainKey.LastIndexOf('/');
        return cut > 0 && int.TryParse(grainKey.AsSpan(cut + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var trial) ? trial : null;
    }

    /// <summary>Where a trial's checkpoint after <paramref name="epoch"/> epochs, written by
    /// <paramref name="attempt"/>, lives. The attempt is part of the key so a stale attempt can never
    /// overwrite the checkpoint the trial's state points at.</summary>
    public static string Checkpoint(string studyId, int trial, int epoch, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{TrialPrefix(studyId, trial)}epoch-{epoch:D4}-attempt-{attempt}.ckpt");

    /// <summary>Where the checkpoint of <paramref name="attempt"/> stopped inside a rung (a draining silo handing the
    /// trial over) lives; an attempt stops early at most once, since the next work goes to a newer attempt.</summary>
    public static string StopCheckpoint(string studyId, int trial, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{TrialPrefix(studyId, trial)}stopped-attempt-{attempt}.ckpt");

    /// <summary>Whether <paramref name="key"/> names a checkpoint of this trial (one of the two forms above).</summary>
    public static bool IsCheckpointOf(string studyId, int trial, string key) =>
        key.StartsWith(TrialPrefix(studyId, trial), StringComparison.Ordinal)
        && key.EndsWith(".ckpt", StringComparison.Ordinal)
        && key.IndexOf('/', TrialPrefix(studyId, trial).Length) < 0;

    /// <summary>The artifact-key prefix of a trial's checkpoints (what <c>lenssweep export</c> lists to find the latest).</summary>
    public static string TrialPrefix(string studyId, int trial) =>
        string.Create(CultureInfo.InvariantCulture, $"{StudyPrefix(studyId)}trials/{trial}/");

    /// <summary>Where a trial's epoch-0 (random-init) evaluation with its bootstrap draws lives: every rung end reads
    /// it to bootstrap its gains paired. One per trial: the untrained encoder is the same whatever the attempt.</summary>
    public static string InitialEvaluation(string studyId, int trial) =>
        string.Create(CultureInfo.InvariantCulture, $"{StudyPrefix(studyId)}trials/{trial}/initial-evaluation.bin");

    /// <summary>The artifact-key prefix of everything a study stores.</summary>
    public static string StudyPrefix(string studyId) => $"studies/{studyId}/";
}
