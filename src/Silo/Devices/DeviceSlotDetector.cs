using System.ComponentModel;
using System.Diagnostics;
using LensSweep.Models.Training;

namespace LensSweep.Silo.Devices;

/// <summary>What slot detection found, and a note for the operator when the driver and libtorch disagree.</summary>
/// <param name="Slots">One slot per CUDA device libtorch can use, or one CPU slot.</param>
/// <param name="Note">Set when the driver lists GPUs this build cannot train on (the CPU-only libtorch build).</param>
public sealed record DeviceDetection(DeviceSlots Slots, string? Note);

/// <summary>
/// Finds the CUDA devices this process can train on by asking libtorch (<see cref="TrainingDevice.CudaDeviceCount"/>),
/// not the driver: a CPU-only build on a GPU machine sees none, and advertising cuda slots there would fail every
/// trial. The driver (nvidia-smi, then /proc/driver/nvidia/gpus) is asked only to say so when the two disagree.
/// </summary>
public sealed class DeviceSlotDetector(Func<int> cudaDevices, string nvidiaSmi = "nvidia-smi", string procGpus = "/proc/driver/nvidia/gpus")
{
    public DeviceSlotDetector() : this(TrainingDevice.CudaDeviceCount)
    {
    }

    public DeviceDetection Detect()
    {
        var usable = cudaDevices();
        if (usable > 0)
            return new DeviceDetection(DeviceSlots.Cuda(usable), null);
        var listed = CountWithNvidiaSmi() ?? CountProcEntries();
        var note = listed > 0
            ? $"the driver lists {listed} GPU(s) but this build's libtorch can use none, so this runs one CPU slot; to train on them, {TrainingDevice.CudaBuildAdvice}"
            : null;
        return new DeviceDetection(DeviceSlots.Cpu(1), note);
    }

    /// <summary>
    /// Why <paramref name="slots"/> cannot train here (a cuda slot without a CUDA device behind it), or null when
    /// every slot can. Explicit slots are checked at start, so a wrong one stops the silo instead of failing trials.
    /// </summary>
    public string? ProblemWith(DeviceSlots slots)
    {
        if (slots.CudaDevices.Count == 0)
            return null;
        var usable = cudaDevices();
        var missing = slots.CudaDevices.Where(d => d >= usable).Select(d => $"cuda:{d}").ToList();
        if (missing.Count == 0)
            return null;
        var sees = usable == 0
            ? "this build's libtorch can use no CUDA device (the default build is CPU-only, or there is no working driver)"
            : $"this build's libtorch can use {usable} CUDA device(s) (cuda:0 to cuda:{usable - 1})";
        return $"slot(s) {string.Join(", ", missing)} need CUDA devices, but {sees}; {TrainingDevice.CudaBuildAdvice}, or use cpu:N slots";
    }

    private int? CountWithNvidiaSmi()
    {
        try
        {
            var start = new ProcessStartInfo(nvidiaSmi, "-L") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start);
            if (process is null)
                return null;
            var listing = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(10_000))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }
            // A driver without devices (or a broken one) exits non-zero: fall back to /proc rather than guess.
            return process.ExitCode == 0
                ? listing.Split('\n').Count(line => line.StartsWith("GPU ", StringComparison.Ordinal))
                : null;
        }
        catch (Win32Exception)
        {
            return null; // nvidia-smi is not installed
        }
    }

    private int CountProcEntries() => Directory.Exists(procGpus) ? Directory.GetDirectories(procGpus).Length : 0;
}
