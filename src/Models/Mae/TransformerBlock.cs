using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LensSweep.Models.Mae;

/// <summary>
/// Pre-LayerNorm ViT block (timm <c>Block</c> as MAE uses it): x + Attn(LN(x)), then x + MLP(LN(x)),
/// MLP = Linear → GELU → Linear, LayerNorm eps 1e-6, biases on.
/// </summary>
internal sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly SelfAttention attn;
    private readonly LayerNorm norm2;
    private readonly Linear fc1;
    private readonly GELU act;
    private readonly Linear fc2;

    public TransformerBlock(string name, int dim, int heads, double mlpRatio) : base(name)
    {
        norm1 = nn.LayerNorm(dim, eps: MaeModel.LayerNormEps);
        attn = new SelfAttention(nameof(attn), dim, heads);
        norm2 = nn.LayerNorm(dim, eps: MaeModel.LayerNormEps);
        var hidden = MaeConfigValidation.MlpHidden(dim, mlpRatio);
        fc1 = nn.Linear(dim, hidden);
        act = nn.GELU();
        fc2 = nn.Linear(hidden, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        // A scope per block frees this block's temporaries as soon as it returns; under no_grad that
        // keeps inference memory at one block's worth instead of a whole pass's.
        using var scope = NewDisposeScope();
        var h = x + attn.forward(norm1.forward(x));
        var y = h + fc2.forward(act.forward(fc1.forward(norm2.forward(h))));
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>The attention weights of this block's self-attention on <paramref name="x"/> (the block's
    /// input): [B, heads, T, T], for looking at what the encoder attends to.</summary>
    public Tensor AttentionWeights(Tensor x)
    {
        using var scope = NewDisposeScope();
        return attn.Weights(norm1.forward(x)).MoveToOuterDisposeScope();
    }

    /// <summary>The block's output at token rows <paramref name="rows"/> [B, R] only: attention still reads
    /// every token, but queries, the MLP and the residuals run on R rows.</summary>
    public Tensor ForwardRows(Tensor x, Tensor rows)
    {
        using var scope = NewDisposeScope();
        var index = rows.unsqueeze(-1).expand(-1, -1, x.shape[2]);
        var normed = norm1.forward(x);
        var h = x.gather(1, index) + attn.ForwardQueries(normed.gather(1, index), normed);
        var y = h + fc2.forward(act.forward(fc1.forward(norm2.forward(h))));
        return y.MoveToOuterDisposeScope();
    }
}

/// <summary>Multi-head self-attention on libtorch's fused scaled_dot_product_attention (scale 1/√d).</summary>
internal sealed class SelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly int heads;

    public SelfAttention(string name, int dim, int heads) : base(name)
    {
        this.heads = heads;
        qkv = nn.Linear(dim, dim * 3);
        proj = nn.Linear(dim, dim);
        RegisterComponents();
    }

    /// <summary>Attention of <paramref name="queries"/> [B, R, D] over every token of <paramref name="x"/> [B, T, D]
    /// with the same weights as <see cref="forward"/>: the query third of the qkv projection for the queries, the rest for x.</summary>
    public Tensor ForwardQueries(Tensor queries, Tensor x)
    {
        var (batch, tokens, dim) = (x.shape[0], x.shape[1], x.shape[2]);
        var rows = queries.shape[1];
        var q = nn.functional.linear(queries, qkv.weight!.narrow(0, 0, dim), qkv.bias!.narrow(0, 0, dim))
            .reshape(batch, rows, heads, dim / heads).transpose(1, 2);
        var kv = nn.functional.linear(x, qkv.weight!.narrow(0, dim, 2 * dim), qkv.bias!.narrow(0, dim, 2 * dim))
            .reshape(batch, tokens, 2, heads, dim / heads).permute(2, 0, 3, 1, 4).unbind(0);
        var mixed = nn.functional.scaled_dot_product_attention(q, kv[0], kv[1]);
        return proj.forward(mixed.transpose(1, 2).reshape(batch, rows, dim));
    }

    /// <summary>softmax(q·kᵀ/√d) per head, [B, heads, T, T]: what the fused kernel of <see cref="forward"/> computes
    /// and never returns. Each row (a query) sums to 1 over the tokens it attends to.</summary>
    public Tensor Weights(Tensor x)
    {
        var (batch, tokens, dim) = (x.shape[0], x.shape[1], x.shape[2]);
        var parts = qkv.forward(x).reshape(batch, tokens, 3, heads, dim / heads).permute(2, 0, 3, 1, 4).unbind(0);
        var scale = 1.0 / Math.Sqrt(dim / heads);
        return (parts[0].matmul(parts[1].transpose(-2, -1)) * scale).softmax(-1);
    }

    public override Tensor forward(Tensor x)
    {
        var (batch, tokens, dim) = (x.shape[0], x.shape[1], x.shape[2]);
        var parts = qkv.forward(x).reshape(batch, tokens, 3, heads, dim / heads).permute(2, 0, 3, 1, 4).unbind(0);
        var mixed = nn.functional.scaled_dot_product_attention(parts[0], parts[1], parts[2]);
        return proj.forward(mixed.transpose(1, 2).reshape(batch, tokens, dim));
    }
}
