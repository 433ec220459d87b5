namespace LensSweep.Reporting.Studies;

/// <summary>One searched hyperparameter of a trial, by the name the study spec gives it (e.g. <c>mask_ratio</c>).</summary>
public sealed record ParameterSetting(string Name, ParameterValue Value);
