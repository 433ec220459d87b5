using LensSweep.Models.Evaluation;

namespace LensSweep.Models.Tests.Evaluation;

public sealed class PairedGainTests
{
    // Per-image scores of two encoders on one split: the trained one is the initial one plus a small, steady
    // improvement, while images differ a lot in difficulty (the common situation on one validation split).
    private static readonly double[] Initial = [.. Enumerable.Range(0, 200).Select(i => Math.Sin(i * 0.7) * 0.5)];
    private static readonly double[] Trained = [.. Initial.Select((v, i) => v + 0.02 + (0.01 * Math.Cos(i)))];

    private static MetricValue Scored(double[] perImage)
    {
        var draws = BootstrapInterval.Resample(perImage.Length, rows => rows.Average(r => perImage[r]), 500, seed: 3);
        var (low, high) = BootstrapInterval.Percentile(draws);
        return new MetricValue(perImage.Average(), low, high) { Resamples = draws };
    }

    [Fact]
    public void A_paired_gain_interval_is_far_narrower_than_the_shifted_one_when_both_encoders_find_the_same_images_hard()
    {
        var trained = Scored(Trained);
        var initial = Scored(Initial);

        var paired = PairedGain.Of("r2_macro", trained, initial);
        var shifted = PairedGain.Of("r2_macro", trained with { Resamples = [] }, initial);

        Assert.Equal(trained.Value - initial.Value, paired.Value, 12);
        Assert.InRange(paired.Value, paired.Low, paired.High);
        Assert.True(paired.Low > 0, $"the steady improvement is beyond the noise when paired: [{paired.Low}, {paired.High}]");
        Assert.True(shifted.Low < 0, $"unpaired, the image-difficulty noise hides it: [{shifted.Low}, {shifted.High}]");
        Assert.True(paired.High - paired.Low < (shifted.High - shifted.Low) / 5);
    }

    [Fact]
    public void The_draws_of_one_split_are_the_same_for_every_encoder_so_a_constant_offset_has_a_zero_width_interval()
    {
        var gain = PairedGain.Of("r2_macro", Scored([.. Initial.Select(v => v + 0.1)]), Scored(Initial));

        Assert.Equal(0.1, gain.Low, 9);
        Assert.Equal(0.1, gain.High, 9);
    }

    [Fact]
    public void A_loss_gains_when_it_falls()
    {
        var gain = PairedGain.Of(EvaluationMetrics.ReconLoss, Scored([.. Initial.Select(v => v - 0.2)]), Scored(Initial));

        Assert.Equal(0.2, gain.Value, 9);
        Assert.Equal(0.2, gain.Low, 9);
    }

    [Fact]
    public void Gains_are_named_for_their_evaluation_and_only_for_evaluations_both_results_have()
    {
        var trained = new Dictionary<string, MetricValue> { ["r2_macro"] = Scored(Trained), ["probe_auc"] = Scored(Trained) };
        var initial = new Dictionary<string, MetricValue> { ["r2_macro"] = Scored(Initial) };

        var gains = PairedGain.All(trained, initial);

        Assert.Equal(["r2_macro_gain"], gains.Keys);
    }

    [Fact]
    public void An_evaluation_file_reads_back_every_value_bound_and_draw()
    {
        var result = new EvaluationResult(
            new Dictionary<string, MetricValue> { ["r2_macro"] = Scored(Trained), ["probe_auc"] = new MetricValue(0.5, double.NaN, double.NaN) },
            new Dictionary<string, MetricValue> { ["r2_macro"] = Scored(Initial) });
        using var file = new MemoryStream();
        EvaluationFile.Write(file, result);
        file.Position = 0;

        var read = EvaluationFile.Read(file);

        foreach (var (expected, actual) in new[] { (result.Validation, read.Validation), (result.Test, read.Test) })
        {
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (name, metric) in expected)
            {
                Assert.Equal((metric.Value, metric.Low, metric.High), (actual[name].Value, actual[name].Low, actual[name].High));
                Assert.Equal(metric.Resamples, actual[name].Resamples);
            }
        }
    }

    [Fact]
    public void A_cut_evaluation_file_is_refused_as_cut()
    {
        using var file = new MemoryStream();
        EvaluationFile.Write(file, new EvaluationResult(new Dictionary<string, MetricValue> { ["r2_macro"] = Scored(Trained) }, new Dictionary<string, MetricValue>()));
        var cut = new MemoryStream(file.ToArray()[..^100]);

        var error = Assert.Throws<InvalidDataException>(() => EvaluationFile.Read(cut));

        Assert.Contains("ends early", error.Message);
    }
}
