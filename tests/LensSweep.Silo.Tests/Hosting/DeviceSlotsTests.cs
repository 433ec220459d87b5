using LensSweep.Silo.Devices;

namespace LensSweep.Silo.Tests.Hosting;

public sealed class DeviceSlotsTests
{
    [Theory]
    [InlineData("cuda:0,cuda:1", "cuda:0,cuda:1", 2)]
    [InlineData(" CPU:0 , cpu:1 ", "cpu:0,cpu:1", 2)]
    [InlineData("cpu:3", "cpu:3", 1)]
    [InlineData("none", "", 0)]
    public void A_slot_list_parses_to_normalised_slots(string text, string metadata, int count)
    {
        var slots = DeviceSlots.Parse(text);

        Assert.Equal(metadata, slots.ToMetadataValue());
        Assert.Equal(count, slots.Count);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    [InlineData("rocm:0")]
    [InlineData("cuda:0,,cuda:1")]
    public void A_malformed_slot_is_rejected_with_the_slot_named(string text)
    {
        var error = Assert.Throws<FormatException>(() => DeviceSlots.Parse(text));

        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Detection_counts_gpus_listed_by_nvidia_smi()
    {
        using var dir = new TempDir();
        var smi = dir.Script("nvidia-smi", "printf 'GPU 0: NVIDIA H100 (UUID: GPU-a)\\nGPU 1: NVIDIA H100 (UUID: GPU-b)\\nGPU 2: NVIDIA H100 (UUID: GPU-c)\\n'");

        var slots = new DeviceSlotDetector(smi, Path.Combine(dir.Path, "no-proc")).Detect();

        Assert.Equal("cuda:0,cuda:1,cuda:2", slots.ToMetadataValue());
    }

    [Fact]
    public void Without_nvidia_smi_detection_counts_the_driver_proc_entries()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "gpus", "0000:3b:00.0"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "gpus", "0000:86:00.0"));

        var slots = new DeviceSlotDetector(Path.Combine(dir.Path, "missing-nvidia-smi"), Path.Combine(dir.Path, "gpus")).Detect();

        Assert.Equal("cuda:0,cuda:1", slots.ToMetadataValue());
    }

    [Fact]
    public void A_failing_nvidia_smi_falls_back_to_the_proc_entries()
    {
        using var dir = new TempDir();
        var smi = dir.Script("nvidia-smi", "echo 'NVIDIA-SMI has failed' >&2; exit 9");
        Directory.CreateDirectory(Path.Combine(dir.Path, "gpus", "0000:3b:00.0"));

        var slots = new DeviceSlotDetector(smi, Path.Combine(dir.Path, "gpus")).Detect();

        Assert.Equal("cuda:0", slots.ToMetadataValue());
    }

    [Fact]
    public void A_machine_without_gpus_gets_one_cpu_slot()
    {
        using var dir = new TempDir();

        var slots = new DeviceSlotDetector(Path.Combine(dir.Path, "missing-nvidia-smi"), Path.Combine(dir.Path, "no-proc")).Detect();

        Assert.Equal("cpu:0", slots.ToMetadataValue());
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("lenssweep-slots-").FullName;

        public string Script(string name, string body)
        {
            var file = System.IO.Path.Combine(Path, name);
            File.WriteAllText(file, $"#!/bin/sh\n{body}\n");
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return file;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
