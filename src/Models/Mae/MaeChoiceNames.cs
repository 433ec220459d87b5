namespace LensSweep.Models.Mae;

/// <summary>The snake_case names of the MAE's named choices, as a study spec, the CLI and exported metadata
/// write them: the one table between those names and the enums.</summary>
public static class MaeChoiceNames
{
    public static readonly IReadOnlyList<(string Name, PretrainingObjective Value)> Objectives =
        [("mae", PretrainingObjective.Mae), ("ijepa", PretrainingObjective.Ijepa)];

    public static readonly IReadOnlyList<(string Name, MaskingKind Value)> Maskings =
        [("random", MaskingKind.Random), ("block", MaskingKind.Block), ("informed", MaskingKind.Informed)];

    public static readonly IReadOnlyList<(string Name, ReconstructionLoss Value)> Losses =
        [("mse", ReconstructionLoss.Mse), ("mse_norm_pix", ReconstructionLoss.MseNormPix), ("l1", ReconstructionLoss.L1), ("bce", ReconstructionLoss.Bce)];

    public static string Of(PretrainingObjective objective) => Objectives.First(o => o.Value == objective).Name;

    /// <summary>How prose names an objective: "MAE", "I-JEPA".</summary>
    public static string Title(PretrainingObjective objective) => objective == PretrainingObjective.Ijepa ? "I-JEPA" : "MAE";

    public static string Of(MaskingKind masking) => Maskings.First(m => m.Value == masking).Name;

    public static string Of(ReconstructionLoss loss) => Losses.First(l => l.Value == loss).Name;
}
