using LensSweep.Grains.Devices;

namespace LensSweep.Grains.Tests.Devices;

public sealed class DeviceSlotNamesTests
{
    [Fact]
    public void A_metadata_value_lists_its_slots_in_order() =>
        Assert.Equal(["cuda:0", "cuda:1"], DeviceSlotNames.Parse(" cuda:0, cuda:1 "));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void A_missing_or_blank_value_means_no_slots(string? value) => Assert.Empty(DeviceSlotNames.Parse(value));

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("CUDA:0")]
    [InlineData("cuda:-1")]
    public void A_malformed_slot_is_refused_naming_it(string slot)
    {
        var error = Assert.Throws<ArgumentException>(() => DeviceSlotNames.Parse(slot));

        Assert.Contains($"'{slot}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_slot_is_refused() =>
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => DeviceSlotNames.Parse("cpu:0,cpu:0")).Message, StringComparison.Ordinal);

    [Fact]
    public void Cpu_slots_are_numbered_from_zero() => Assert.Equal(["cpu:0", "cpu:1", "cpu:2"], DeviceSlotNames.Cpu(3));

    [Fact]
    public void Formatting_and_parsing_round_trip() =>
        Assert.Equal(DeviceSlotNames.Cuda(4), DeviceSlotNames.Parse(DeviceSlotNames.Format(DeviceSlotNames.Cuda(4))));

    [Fact]
    public void An_operators_setting_is_normalised_to_lower_case_and_plain_indices()
    {
        Assert.Equal(["cuda:1", "cpu:0"], DeviceSlotNames.TryParseSetting(" CUDA:01 , cpu:0", out _));
        Assert.Empty(DeviceSlotNames.TryParseSetting("None", out _)!);
    }

    [Fact]
    public void An_operators_setting_with_another_device_kind_or_a_repeat_is_refused_with_the_reason()
    {
        Assert.Null(DeviceSlotNames.TryParseSetting("tpu:0", out var kind));
        Assert.Null(DeviceSlotNames.TryParseSetting("cuda:0,cuda:00", out var twice));

        Assert.Equal("has 'tpu:0'; each slot is cuda:N or cpu:N with N a device index (0, 1, …)", kind);
        Assert.Equal("lists cuda:0 twice; a slot runs one trial at a time, so each appears once", twice);
    }

    [Fact]
    public void Only_a_cuda_slot_has_a_cuda_index()
    {
        Assert.Equal(3, DeviceSlotNames.CudaIndex("cuda:3"));
        Assert.Null(DeviceSlotNames.CudaIndex("cpu:3"));
    }
}
