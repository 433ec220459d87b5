using LensSweep.Models.Mae;
using TorchSharp;
using static TorchSharp.torch;

namespace LensSweep.Models.Ijepa;

/// <summary>The tensors of one I-JEPA pass (B images, T target blocks of N patches, D = EmbedDim).</summary>
/// <param name="Loss">Scalar: mean squared distance between predictions and targets.</param>
/// <param name="Prediction">[B·T, N, D]: the predictor's embeddings of each target block, image-major.</param>
/// <param name="Target">[B·T, N, D]: the target encoder's layer-normed embeddings of the same patches (no gradient).</param>
/// <param name="Masks">The context and target patches the pass used.</param>
public sealed record IjepaOutput(Tensor Loss, Tensor Prediction, Tensor Target, IjepaMaskSet Masks);

/// <summary>
/// I-JEPA (Assran et al. 2023) on the project's ViT encoder: a context encoder (the trained one) sees one
/// large context block minus the targets; a target encoder, its exponential moving average, embeds the whole
/// image; a narrow predictor predicts the target encoder's layer-normed patch embeddings of several target
/// blocks from the context; the loss is their mean squared distance (the paper's L2), in representation space.
/// Both encoders are <see cref="MaeModel"/>s, whose MAE decoders are built but never used or trained here.
/// The encoder evaluations read is the target encoder (<see cref="TargetEncoder"/>), as the paper evaluates.
/// </summary>
public sealed class IjepaModel : nn.Module
{
    /// <summary>The EMA momentum at the start of training; it rises linearly to <see cref="MomentumEnd"/> at the end.</summary>
    public const double MomentumStart = 0.996;

    public const double MomentumEnd = 1.0;

    private readonly MaeModel context_encoder;
    private readonly MaeModel target_encoder;
    private readonly IjepaPredictor predictor;

    /// <summary>Both encoders start from the weights a <see cref="MaeModel"/> of <paramref name="seed"/> gets (so
    /// epoch 0 of either objective is the same network); the predictor's weights come from a seed derived from it.</summary>
    public IjepaModel(MaeConfig config, long seed) : base(nameof(IjepaModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Objective != PretrainingObjective.Ijepa)
            throw new ArgumentException($"An I-JEPA model needs Objective Ijepa, got {config.Objective}.", nameof(config));
        Config = config;
        context_encoder = new MaeModel(config, seed);
        target_encoder = new MaeModel(config, seed);
        predictor = new IjepaPredictor(config, PredictorSeed(seed));
        RegisterComponents();
        foreach (var parameter in target_encoder.parameters()) parameter.requires_grad = false;
    }

    public MaeConfig Config { get; }

    /// <summary>The encoder the optimiser trains, on context patches.</summary>
    public MaeModel ContextEncoder => context_encoder;

    /// <summary>The moving average of <see cref="ContextEncoder"/>: the targets, and the encoder evaluated.</summary>
    public MaeModel TargetEncoder => target_encoder;

    public IjepaPredictor Predictor => predictor;

    /// <summary>The EMA momentum at <paramref name="progress"/> ∈ [0, 1] of the whole training run: linear from
    /// <see cref="MomentumStart"/> to <see cref="MomentumEnd"/>, as the paper's schedule.</summary>
    public static double Momentum(double progress) =>
        MomentumStart + ((MomentumEnd - MomentumStart) * Math.Clamp(progress, 0, 1));

    /// <summary>One pretraining pass: sample the blocks, embed the targets, predict them from the context, score.</summary>
    public IjepaOutput Forward(Tensor images, Generator noise)
    {
        ArgumentNullException.ThrowIfNull(images);
        var masks = SampleMasks(images, noise);
        var target = TargetEmbeddings(images, masks.Targets);
        var prediction = Predict(images, masks);
        return new IjepaOutput((prediction - target).square().mean(), prediction, target, masks);
    }

    /// <summary>The context and target patches of this batch, on the images' device.</summary>
    public IjepaMaskSet SampleMasks(Tensor images, Generator noise)
    {
        var masks = IjepaMasks.Sample(images.shape[0], Config.GridSize(), noise);
        return new IjepaMaskSet(masks.Context.to(images.device), masks.Targets.to(images.device));
    }

    /// <summary>The target encoder on the whole image, layer-normed over the width without affine parameters
    /// (as upstream), at the target patches: [B·T, N, D], no gradient.</summary>
    public Tensor TargetEmbeddings(Tensor images, Tensor targets)
    {
        using var _ = no_grad();
        var encoded = target_encoder.PatchRows(target_encoder.EncodeAll(images));
        var normed = nn.functional.layer_norm(encoded, [Config.EmbedDim]);
        return PerBlock(normed, targets);
    }

    /// <summary>The context encoder on the context patches, then the predictor at each target block: [B·T, N, D].</summary>
    public Tensor Predict(Tensor images, IjepaMaskSet masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        var blocks = masks.Targets.shape[1];
        var context = context_encoder.EncodePatchesAt(images, masks.Context);
        // One predictor row per (image, block): the image's context repeated for each of its blocks.
        return predictor.Predict(
            context.repeat_interleave(blocks, 0),
            masks.Context.repeat_interleave(blocks, 0),
            masks.Targets.flatten(0, 1));
    }

    /// <summary>target ← m·target + (1 − m)·context for every encoder weight, after an optimiser step.</summary>
    public void UpdateTargetEncoder(double momentum) => UpdateTargetEncoder(EncoderPairs(), momentum);

    /// <summary>
    /// Each encoder weight of the target encoder beside the context encoder's same weight: what the moving average
    /// moves. The MAE decoders both encoders carry are left out (neither is used or trained). The pairs hold the
    /// tensors themselves, so a caller takes them once the model is on its device and keeps them for every step.
    /// </summary>
    public IReadOnlyList<(Tensor Target, Tensor Context)> EncoderPairs() =>
        [.. target_encoder.EncoderParameters().Zip(context_encoder.EncoderParameters(), (t, c) =>
        {
            if (t.Name != c.Name)
                throw new InvalidOperationException($"The encoders' weights are out of step: {t.Name} beside {c.Name}.");
            return ((Tensor)t.Parameter, (Tensor)c.Parameter);
        })];

    /// <summary>target ← m·target + (1 − m)·context for each pair (<see cref="EncoderPairs"/>): two in-place kernels
    /// a tensor, the same arithmetic as ever, so the moving average's weights do not change from build to build.</summary>
    public static void UpdateTargetEncoder(IReadOnlyList<(Tensor Target, Tensor Context)> pairs, double momentum)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        using var _ = no_grad();
        var step = 1 - momentum;
        foreach (var (target, context) in pairs)
            target.mul_(momentum).add_(context, alpha: step);
    }

    /// <summary>The rows of <paramref name="tokens"/> [B, L, D] at each target block's patches: [B·T, N, D].</summary>
    private static Tensor PerBlock(Tensor tokens, Tensor targets)
    {
        var (batch, blocks, patches, dim) = (tokens.shape[0], targets.shape[1], targets.shape[2], tokens.shape[2]);
        var ids = targets.reshape(batch, blocks * patches, 1).expand(-1, -1, dim);
        return tokens.gather(1, ids).reshape(batch * blocks, patches, dim);
    }

    private static long PredictorSeed(long seed) => (long)Training.SeedMix.Derive(seed, 0, Training.SeedMix.PredictorStream);
}
