using System.ComponentModel;
using System.Diagnostics;

namespace LensSweep.Silo.Devices;

/// <summary>
/// Finds the CUDA devices this process may use: first by asking nvidia-smi (inside a container it lists only
/// the GPUs the runtime handed over), then by the driver's /proc entries; no GPU found means one CPU slot.
/// </summary>
public sealed class DeviceSlotDetector(string nvidiaSmi = "nvidia-smi", string procGpus = "/proc/driver/nvidia/gpus")
{
    public DeviceSlots Detect()
    {
        var gpus = CountWithNvidiaSmi() ?? CountProcEntries();
        return gpus > 0 ? DeviceSlots.Cuda(gpus) : DeviceSlots.Cpu(1);
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
