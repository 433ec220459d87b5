using System.Text;
using LensSweep.Models.Mae;
using LensSweep.Models.Training;

namespace LensSweep.Models.Tests.Training;

public sealed class CheckpointObjectiveTests
{
    [Fact]
    public void A_checkpoint_records_its_masking_and_loss()
    {
        var config = TinyModels.Config with { Masking = MaskingKind.Informed, MaskingTemperature = 0.5, Loss = ReconstructionLoss.L1 };
        using var trainer = new MaeTrainer(config, TinyModels.Optimizer, seed: 1);
        using var checkpoint = new MemoryStream();
        trainer.SaveCheckpoint(checkpoint);
        checkpoint.Position = 0;

        var header = MaeCheckpoint.ReadHeader(checkpoint);

        Assert.Equal((MaskingKind.Informed, 0.5, ReconstructionLoss.L1), (header.Model.Masking, header.Model.MaskingTemperature, header.Model.Loss));
    }

    [Theory]
    [InlineData(false, ReconstructionLoss.Mse)]
    [InlineData(true, ReconstructionLoss.MseNormPix)]
    public void A_checkpoint_from_before_the_loss_choice_reads_its_norm_pixel_flag_as_the_loss(bool normPixelLoss, ReconstructionLoss expected)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("LSWPMAE1"u8.ToArray());
            writer.Write(1);
            writer.Write($$"""{"ImageSize":32,"PatchSize":8,"MaskRatio":0.75,"NormPixelLoss":{{(normPixelLoss ? "true" : "false")}}}""");
            writer.Write("{}");
            writer.Write(3L);
            writer.Write(2);
            writer.Write(6L);
        }

        stream.Position = 0;
        var header = MaeCheckpoint.ReadHeader(stream);

        Assert.Equal((expected, MaskingKind.Random), (header.Model.Loss, header.Model.Masking));
    }
}
