using LensSweep.Grains.Trials;

namespace LensSweep.Reporting.Studies;

/// <summary>A trial's probe score at the end of one ASHA rung, with the compute spent to get there.</summary>
/// <param name="Rung">Rung index, 0 for the smallest budget.</param>
/// <param name="Epochs">Total pretraining epochs the trial has had when this score was taken.</param>
/// <param name="Score">Probe score (the study's metric; higher is better).</param>
/// <param name="Seconds">Training seconds spent by the trial up to this rung, cumulative.</param>
/// <param name="Flops">Training FLOPs spent up to this rung, cumulative, when the trainer counts them.</param>
/// <param name="Scores">Every evaluation at this rung, on validation and test, with intervals; null when not kept.</param>
public sealed record RungScore(int Rung, int Epochs, double Score, double Seconds, double? Flops, ProbeScores? Scores = null);
