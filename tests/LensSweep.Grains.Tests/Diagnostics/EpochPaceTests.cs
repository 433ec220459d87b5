using LensSweep.Grains.Diagnostics;

namespace LensSweep.Grains.Tests.Diagnostics;

public sealed class EpochPaceTests
{
    [Fact]
    public void An_epoch_seen_from_its_first_step_gives_its_seconds_and_images_per_second_at_its_last_step()
    {
        var pace = new EpochPace(batchSize: 10);

        Assert.Null(pace.Observe(epoch: 0, step: 0, stepsPerEpoch: 2, imagesPerSecond: 10)); // 1 s
        var sample = pace.Observe(epoch: 0, step: 1, stepsPerEpoch: 2, imagesPerSecond: 5); // 2 s

        Assert.Equal(new EpochPace.Sample(Epoch: 0, Steps: 2, Seconds: 3, ImagesPerSecond: 20 / 3.0), sample);
    }

    [Fact]
    public void An_epoch_resumed_mid_way_gives_no_sample_but_the_next_whole_epoch_does()
    {
        var pace = new EpochPace(batchSize: 4);

        Assert.Null(pace.Observe(epoch: 3, step: 1, stepsPerEpoch: 2, imagesPerSecond: 4));
        Assert.Null(pace.Observe(epoch: 4, step: 0, stepsPerEpoch: 2, imagesPerSecond: 4));

        Assert.Equal(2, pace.Observe(epoch: 4, step: 1, stepsPerEpoch: 2, imagesPerSecond: 4)?.Seconds);
    }

    [Fact]
    public void A_step_with_no_measurable_throughput_spoils_its_epoch_rather_than_faking_a_time()
    {
        var pace = new EpochPace(batchSize: 4);

        Assert.Null(pace.Observe(epoch: 0, step: 0, stepsPerEpoch: 2, imagesPerSecond: double.PositiveInfinity));

        Assert.Null(pace.Observe(epoch: 0, step: 1, stepsPerEpoch: 2, imagesPerSecond: 4));
    }
}
