namespace LensSweep.Grains.Diagnostics;

/// <summary>
/// Turns a trainer's per-step reports into whole-epoch samples (seconds and images per second). A step's
/// duration is its batch over its reported throughput, so the sample is the epoch's own steps, not the time
/// spent loading data or scoring around them. An epoch entered mid-way (a resume inside it) is not a whole
/// epoch and gives no sample.
/// </summary>
public sealed class EpochPace(int batchSize)
{
    private int _epoch = -1;
    private int _nextStep;
    private double _seconds;

    /// <summary>One whole epoch.</summary>
    public sealed record Sample(int Epoch, int Steps, double Seconds, double ImagesPerSecond);

    /// <summary>Takes the report of a step; returns the epoch's sample when it was the epoch's last step.</summary>
    public Sample? Observe(int epoch, int step, int stepsPerEpoch, double imagesPerSecond)
    {
        if (epoch != _epoch)
        {
            _epoch = epoch;
            _seconds = 0;
            // Only an epoch seen from its first step can be timed whole.
            _nextStep = step == 0 ? 0 : -1;
        }

        if (_nextStep != step || !(imagesPerSecond > 0) || double.IsInfinity(imagesPerSecond))
        {
            _nextStep = -1;
            return null;
        }

        _seconds += batchSize / imagesPerSecond;
        _nextStep = step + 1;
        if (_nextStep < stepsPerEpoch)
        {
            return null;
        }

        _nextStep = -1;
        return new Sample(epoch, stepsPerEpoch, _seconds, stepsPerEpoch * (double)batchSize / _seconds);
    }
}
