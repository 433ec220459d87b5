using LensSweep.Models.Probing;

namespace LensSweep.Models.Tests.Probing;

public sealed class RocAucTests
{
    [Fact]
    public void Binary_auc_counts_correctly_ordered_pairs()
    {
        // Pairs (positive, negative): (0.35, 0.1) ✓, (0.35, 0.4) ✗, (0.8, 0.1) ✓, (0.8, 0.4) ✓ → 3/4.
        Assert.Equal(0.75, RocAuc.Binary([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 12);
    }

    [Fact]
    public void Tied_scores_count_half_a_pair()
    {
        // Positives 0.5 and 0.9, negatives 0.5 and 0.5: (0.5, 0.5) ½ twice, (0.9, ·) 1 twice → 3/4.
        Assert.Equal(0.75, RocAuc.Binary([0.5, 0.5, 0.5, 0.9], [false, true, false, true]), 12);
    }

    [Fact]
    public void All_scores_tied_give_one_half() =>
        Assert.Equal(0.5, RocAuc.Binary([0.3, 0.3, 0.3, 0.3, 0.3], [true, false, true, false, false]), 12);

    [Fact]
    public void Single_class_has_no_auc() =>
        Assert.True(double.IsNaN(RocAuc.Binary([0.1, 0.2], [true, true])));

    [Fact]
    public void Macro_auc_averages_the_one_vs_rest_aucs()
    {
        // Three rows, one per class. Class 0 column (0.6, 0.3, 0.3): positive 0.6 beats both → 1.
        // Class 1 column (0.2, 0.3, 0.4): positive 0.3 beats 0.2, loses to 0.4 → 1/2.
        // Class 2 column (0.2, 0.4, 0.3): positive 0.3 beats 0.2, loses to 0.4 → 1/2.  Mean = 2/3.
        float[] probabilities = [0.6f, 0.2f, 0.2f, 0.3f, 0.3f, 0.4f, 0.3f, 0.4f, 0.3f];
        Assert.Equal(2.0 / 3.0, RocAuc.MacroOneVsRest(probabilities, [0, 1, 2], 3), 6);
    }

    [Fact]
    public void Macro_auc_skips_classes_absent_from_the_labels()
    {
        // Only classes 0 and 1 appear; both are ranked perfectly, class 2 has no positives.
        float[] probabilities = [0.8f, 0.1f, 0.1f, 0.1f, 0.8f, 0.1f];
        Assert.Equal(1.0, RocAuc.MacroOneVsRest(probabilities, [0, 1], 3), 12);
    }
}
