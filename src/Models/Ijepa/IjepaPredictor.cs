using LensSweep.Models.Mae;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LensSweep.Models.Ijepa;

/// <summary>
/// I-JEPA's predictor (the released VisionTransformerPredictor): a narrow ViT that takes the context
/// encoder's tokens, projected to its width and given their fixed sin-cos positions, appends one mask token
/// per target patch carrying that patch's position, and predicts the target encoder's embedding of each
/// target patch. Its width, depth and heads are the config's decoder settings (see <see cref="PretrainingObjective"/>).
/// </summary>
public sealed class IjepaPredictor : nn.Module
{
    private const double TokenInitStd = 0.02;

    private readonly Linear predictor_embed;
    private readonly Parameter mask_token;
    private readonly Tensor predictor_pos_embed;
    private readonly ModuleList<TransformerBlock> predictor_blocks;
    private readonly LayerNorm predictor_norm;
    private readonly Linear predictor_proj;
    private readonly int width;

    public IjepaPredictor(MaeConfig config, long seed) : base(nameof(IjepaPredictor))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.EnsureValid(nameof(config));
        width = config.DecoderEmbedDim;
        predictor_embed = nn.Linear(config.EmbedDim, width);
        mask_token = nn.Parameter(zeros(1, 1, width));
        predictor_pos_embed = tensor(SinCosPositions.Table(width, config.GridSize()), [1, config.PatchCount(), width]);
        predictor_blocks = nn.ModuleList(Enumerable.Range(0, config.DecoderDepth)
            .Select(i => new TransformerBlock($"predictor_block{i}", width, config.DecoderHeads, config.MlpRatio)).ToArray());
        predictor_norm = nn.LayerNorm(width, eps: MaeModel.LayerNormEps);
        predictor_proj = nn.Linear(width, config.EmbedDim);
        RegisterComponents();
        InitialiseWeights(seed);
    }

    /// <summary>Predicted target-encoder embeddings [B, N, D] of the patches <paramref name="targetIds"/> [B, N]
    /// from the context tokens <paramref name="context"/> [B, K, D] of the patches <paramref name="contextIds"/> [B, K].</summary>
    public Tensor Predict(Tensor context, Tensor contextIds, Tensor targetIds)
    {
        ArgumentNullException.ThrowIfNull(context);
        var batch = context.shape[0];
        var known = predictor_embed.forward(context) + Positions(contextIds);
        var queries = mask_token.expand(batch, targetIds.shape[1], width) + Positions(targetIds);
        var x = cat([known, queries], 1);
        foreach (var block in predictor_blocks) x = block.forward(x);
        var predicted = predictor_norm.forward(x).narrow(1, known.shape[1], queries.shape[1]);
        return predictor_proj.forward(predicted);
    }

    /// <summary>The position table's rows for <paramref name="ids"/> [B, K]: [B, K, width].</summary>
    private Tensor Positions(Tensor ids) =>
        predictor_pos_embed.expand(ids.shape[0], -1, -1).gather(1, ids.unsqueeze(-1).expand(-1, -1, width));

    /// <summary>The MAE's scheme: xavier-uniform linears with zero bias, unit LayerNorms, N(0, 0.02²) mask token.</summary>
    private void InitialiseWeights(long seed)
    {
        using var generator = new Generator((ulong)seed, CPU);
        using var _ = no_grad();
        mask_token.copy_(randn(mask_token.shape, generator: generator) * TokenInitStd);
        foreach (var (_, module) in named_modules())
        {
            switch (module)
            {
                case Linear linear:
                    MaeModel.XavierUniform(linear.weight!, linear.weight!.shape[1], linear.weight!.shape[0], generator);
                    linear.bias?.zero_();
                    break;
                case LayerNorm layerNorm:
                    layerNorm.weight?.fill_(1.0);
                    layerNorm.bias?.zero_();
                    break;
            }
        }
    }
}
