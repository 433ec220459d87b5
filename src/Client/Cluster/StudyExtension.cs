using LensSweep.Grains.Specs;

namespace LensSweep.Client.Cluster;

/// <summary>What <c>lenssweep study extend</c> asks of a study: <see cref="MoreConfigurations"/> more random
/// or TPE configurations (each run <c>repeats</c> times), or the study under a wider <see cref="Spec"/>
/// whose other settings match. Exactly one is given.</summary>
public sealed record StudyExtension(int MoreConfigurations, StudySpec? Spec = null);
