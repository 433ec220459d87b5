using LensSweep.Silo.Devices;
using LensSweep.Silo.Hosting;

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
    public void Detection_offers_one_slot_per_cuda_device_libtorch_can_use()
    {
        using var dir = new TempDir();

        var detection = new DeviceSlotDetector(() => 3, Path.Combine(dir.Path, "missing-nvidia-smi"), Path.Combine(dir.Path, "no-proc")).Detect();

        Assert.Equal("cuda:0,cuda:1,cuda:2", detection.Slots.ToMetadataValue());
        Assert.Null(detection.Note);
    }

    [Fact]
    public void Gpus_the_driver_lists_but_libtorch_cannot_use_give_a_cpu_slot_and_a_note_naming_the_build()
    {
        using var dir = new TempDir();
        var smi = dir.Script("nvidia-smi", "printf 'GPU 0: NVIDIA H100 (UUID: GPU-a)\\nGPU 1: NVIDIA H100 (UUID: GPU-b)\\n'");

        var detection = new DeviceSlotDetector(() => 0, smi, Path.Combine(dir.Path, "no-proc")).Detect();

        Assert.Equal("cpu:0", detection.Slots.ToMetadataValue());
        Assert.Contains("lists 2 GPU(s)", detection.Note, StringComparison.Ordinal);
        Assert.Contains("-p:LensSweepCuda=true", detection.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_nvidia_smi_the_note_counts_the_driver_proc_entries()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "gpus", "0000:3b:00.0"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "gpus", "0000:86:00.0"));

        var detection = new DeviceSlotDetector(() => 0, Path.Combine(dir.Path, "missing-nvidia-smi"), Path.Combine(dir.Path, "gpus")).Detect();

        Assert.Contains("lists 2 GPU(s)", detection.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_nvidia_smi_falls_back_to_the_proc_entries()
    {
        using var dir = new TempDir();
        var smi = dir.Script("nvidia-smi", "echo 'NVIDIA-SMI has failed' >&2; exit 9");
        Directory.CreateDirectory(Path.Combine(dir.Path, "gpus", "0000:3b:00.0"));

        var detection = new DeviceSlotDetector(() => 0, smi, Path.Combine(dir.Path, "gpus")).Detect();

        Assert.Contains("lists 1 GPU(s)", detection.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_machine_without_gpus_gets_one_cpu_slot_and_no_note()
    {
        using var dir = new TempDir();

        var detection = new DeviceSlotDetector(() => 0, Path.Combine(dir.Path, "missing-nvidia-smi"), Path.Combine(dir.Path, "no-proc")).Detect();

        Assert.Equal("cpu:0", detection.Slots.ToMetadataValue());
        Assert.Null(detection.Note);
    }

    [Fact]
    public void Cuda_slots_without_cuda_devices_are_a_problem_naming_the_slots_and_the_build()
    {
        var problem = new DeviceSlotDetector(() => 0).ProblemWith(DeviceSlots.Parse("cuda:0,cuda:1"));

        Assert.Contains("cuda:0, cuda:1", problem, StringComparison.Ordinal);
        Assert.Contains("-p:LensSweepCuda=true", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cuda_slot_beyond_the_devices_libtorch_sees_is_a_problem_naming_only_that_slot()
    {
        var problem = new DeviceSlotDetector(() => 1).ProblemWith(DeviceSlots.Parse("cuda:0,cuda:1"));

        Assert.Contains("slot(s) cuda:1 need", problem, StringComparison.Ordinal);
        Assert.Contains("cuda:0 to cuda:0", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cpu:0,cpu:1")]
    [InlineData("none")]
    public void Cpu_slots_need_no_cuda(string slots) =>
        Assert.Null(new DeviceSlotDetector(() => 0).ProblemWith(DeviceSlots.Parse(slots)));

    [Fact]
    public void On_this_cpu_build_a_silo_given_a_cuda_slot_stops_before_starting_with_one_line()
    {
        // The test suite runs on the CPU-only libtorch build, where no CUDA device is usable.
        Assert.Equal(0, LensSweep.Models.Training.TrainingDevice.CudaDeviceCount());
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.AddLensSweepSiloConfiguration(["--slots=cuda:0"]);

        var error = Assert.Throws<SiloStartupException>(() => builder.AddLensSweepSilo());

        var line = Assert.Single(error.Problems);
        Assert.StartsWith("Devices:Slots 'cuda:0': slot(s) cuda:0 need CUDA devices", line, StringComparison.Ordinal);
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
