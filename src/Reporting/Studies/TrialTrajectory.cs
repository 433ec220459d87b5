using LensSweep.Grains.Specs;
using LensSweep.Grains.Trials;

namespace LensSweep.Reporting.Studies;

/// <summary>One trial's configuration and its score at the end of every rung it reached.</summary>
/// <param name="FailureReason">Why a failed trial failed, one line naming the rung; null otherwise.</param>
/// <param name="Initial">Its encoder's evaluations at epoch 0, before training (the random-init baseline); null when not run.</param>
public sealed record TrialTrajectory(
    string TrialId,
    TrialPhase State,
    IReadOnlyList<ParameterSetting> Parameters,
    IReadOnlyList<RungScore> Rungs,
    string? FailureReason = null,
    ProbeScores? Initial = null)
{
    /// <summary>The score at the highest rung reached, the one ASHA judges the trial by; null before the first rung ends.</summary>
    public RungScore? Latest => Rungs.Count == 0 ? null : Rungs.MaxBy(r => r.Rung);

    public ParameterValue? ValueOf(string parameter) =>
        Parameters.FirstOrDefault(p => p.Name == parameter)?.Value;

    /// <summary>A trial's points: epoch 0 (its untrained encoder, when scored) and every rung end, with intervals.</summary>
    public IReadOnlyList<(int Epochs, double Score, double Low, double High)> ScorePoints(MetricName metric)
    {
        var points = new List<(int Epochs, double Score, double Low, double High)>();
        if (Initial is { } initial)
        {
            // A gain is zero at epoch 0 by definition; an evaluation has its untrained value and interval.
            var reading = metric.IsGain ? new MetricReading(0, double.NaN, double.NaN) : MetricNames.Read(initial, metric.Evaluation);
            if (double.IsFinite(reading.Value))
            {
                points.Add((0, reading.Value, reading.Low, reading.High));
            }
        }

        foreach (var rung in Rungs.OrderBy(r => r.Rung))
        {
            var reading = rung.Scores is { } scores ? MetricNames.Score(metric, scores, Initial) : null;
            points.Add((rung.Epochs, rung.Score, reading?.Low ?? double.NaN, reading?.High ?? double.NaN));
        }

        return points;
    }
}
