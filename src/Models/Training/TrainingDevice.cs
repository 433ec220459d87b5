using TorchSharp;
using static TorchSharp.torch;

namespace LensSweep.Models.Training;

/// <summary>Turns a device slot name into a TorchSharp device, failing clearly when it cannot run here.</summary>
public static class TrainingDevice
{
    /// <summary>
    /// How many CUDA devices this process's libtorch can use: 0 with the CPU-only build (the default) or without a
    /// working driver, whatever <c>nvidia-smi</c> lists. This, not the driver, decides whether a cuda slot can train.
    /// </summary>
    public static int CudaDeviceCount() => cuda.is_available() ? cuda.device_count() : 0;

    /// <summary>The advice a refused cuda slot carries: which build trains on GPUs.</summary>
    public const string CudaBuildAdvice = "build with -p:LensSweepCuda=true on a GPU machine";

    /// <summary>
    /// Accepts <c>cpu</c>, <c>cpu:N</c> (a CPU device slot; N only tells slots apart), <c>cuda</c> and
    /// <c>cuda:N</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not one of those forms.</exception>
    /// <exception cref="InvalidOperationException">CUDA was asked for and is not available, or N is out of range.</exception>
    public static Device Parse(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var text = name.Trim().ToLowerInvariant();
        var colon = text.IndexOf(':');
        var kind = colon < 0 ? text : text[..colon];
        int? index = null;
        if (colon >= 0)
        {
            if (!int.TryParse(text[(colon + 1)..], out var parsed) || parsed < 0)
                throw new ArgumentException($"Device '{name}' has an invalid index; expected e.g. 'cuda:0' or 'cpu'.", nameof(name));
            index = parsed;
        }

        switch (kind)
        {
            case "cpu":
                return CPU;
            case "cuda":
                if (!cuda.is_available())
                    throw new InvalidOperationException(
                        $"Device '{name}' asks for CUDA, but CUDA is not available in this process " +
                        $"(no GPU, or the CPU-only libtorch build; {CudaBuildAdvice}).");
                var count = cuda.device_count();
                if (index is { } i && i >= count)
                    throw new InvalidOperationException($"Device '{name}' does not exist: this machine has {count} CUDA device(s).");
                return new Device(DeviceType.CUDA, index ?? 0);
            default:
                throw new ArgumentException($"Device '{name}' is not recognised; use 'cpu', 'cpu:N' or 'cuda:N'.", nameof(name));
        }
    }
}
