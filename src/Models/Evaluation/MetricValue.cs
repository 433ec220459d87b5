namespace LensSweep.Models.Evaluation;

/// <summary>An evaluation on one held-out split: its value and 95% bootstrap interval (NaN bounds when unknown).</summary>
public sealed record MetricValue(double Value, double Low, double High);

/// <summary>Every evaluation of one encoder (or of raw pixels), by metric name, on validation (decisions) and test (reported only).</summary>
public sealed record EvaluationResult(IReadOnlyDictionary<string, MetricValue> Validation, IReadOnlyDictionary<string, MetricValue> Test);
