using LensSweep.Models.Finetuning;

namespace LensSweep.Models.Tests.Finetuning;

public sealed class LpFtScheduleTests
{
    private static readonly LpFtSchedule Schedule = new() { ProbeEpochs = 2, FinetuneEpochs = 4, ProbeLearningRate = 1.0, FinetuneLearningRate = 0.1 };

    [Fact]
    public void The_probe_epochs_come_before_the_fine_tuning_epochs() =>
        Assert.Equal(
            [FinetunePhase.LinearProbe, FinetunePhase.LinearProbe, FinetunePhase.FullFinetune, FinetunePhase.FullFinetune, FinetunePhase.FullFinetune, FinetunePhase.FullFinetune],
            Enumerable.Range(0, 6).Select(Schedule.PhaseOf));

    [Fact]
    public void Each_phase_starts_at_its_own_peak_rate()
    {
        Assert.Equal(1.0, Schedule.LearningRateAt(0), 12);
        Assert.Equal(0.1, Schedule.LearningRateAt(2), 12);
    }

    [Fact]
    public void Half_way_through_a_phase_the_rate_is_half_way_to_its_floor() =>
        Assert.Equal(0.1 * (1 + LpFtSchedule.FloorFraction) / 2, Schedule.LearningRateAt(4), 12);

    [Fact]
    public void Without_probe_epochs_every_epoch_fine_tunes() =>
        Assert.All(Enumerable.Range(0, 3), e => Assert.Equal(FinetunePhase.FullFinetune, (Schedule with { ProbeEpochs = 0, FinetuneEpochs = 3 }).PhaseOf(e)));

    [Fact]
    public void An_epoch_past_the_schedule_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedule.PhaseOf(6));

    [Fact]
    public void A_schedule_without_epochs_is_invalid() =>
        Assert.Contains(new LpFtSchedule { ProbeEpochs = 0, FinetuneEpochs = 0 }.Validate(), p => p.Contains("At least one epoch", StringComparison.Ordinal));

    [Fact]
    public void A_super_resolution_probes_at_1e_3_and_fine_tunes_at_1e_4_by_default()
    {
        var superres = LpFtSchedule.DefaultFor(DownstreamTask.SuperResolution);

        Assert.Equal((1e-3, 1e-4), (superres.ProbeLearningRate, superres.FinetuneLearningRate));
    }

    [Fact]
    public void Classification_and_regression_keep_the_record_defaults() =>
        Assert.All([DownstreamTask.Classification, DownstreamTask.Regression], t => Assert.Equal(new LpFtSchedule(), LpFtSchedule.DefaultFor(t)));
}
