namespace LensSweep.Grains.Hosting;

/// <summary>Names the engine's grains use for their storage.</summary>
public static class EngineStorage
{
    /// <summary>The grain storage provider every engine grain persists to (register it with
    /// <c>AddLocalFolderGrainStorage</c>, <c>AddMemoryGrainStorage</c> or a cluster backend under this name).</summary>
    public const string GrainStorageName = "lenssweep";

    /// <summary>Under a local run folder: where grain state lives (<see cref="LensSweepSiloBuilderExtensions.AddLensSweepLocalFolderStorage"/>).</summary>
    public const string LocalStateFolder = "state";

    /// <summary>Under a local run folder: where checkpoints and other artifacts live.</summary>
    public const string LocalArtifactsFolder = "artifacts";
}
