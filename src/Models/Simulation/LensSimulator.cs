using LensSweep.Models.Data;

namespace LensSweep.Models.Simulation;

/// <summary>
/// Simulates labelled strong-lensing images (no_sub, cdm, axion). Every image has its own random
/// generator keyed by (seed, class, index), so a dataset is bit-identical for a seed whatever the thread
/// count, and asking for a subset of classes yields the same images of those classes.
/// </summary>
public sealed class LensSimulator
{
    private readonly SceneSampler _sampler;
    private readonly LensRenderer _renderer;

    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public LensSimulator(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _sampler = new SceneSampler(options);
        _renderer = new LensRenderer(options);
    }

    public SimulatorOptions Options { get; }

    /// <summary>Channels per image: one per band.</summary>
    public int Channels => _renderer.Channels;

    /// <summary>
    /// Images in class-major order (all of the first class, then the next), labels indexing
    /// <paramref name="classes"/> (default <see cref="LensClasses.All"/>). Raw flux in e-/s per pixel:
    /// normalisation is the loader's job, so written datasets look like DeepLense's.
    /// </summary>
    /// <param name="maxDegreeOfParallelism">Threads to use; -1 = all cores. Does not change the images.</param>
    public LensDataset Generate(
        int imagesPerClass,
        int seed,
        IReadOnlyList<string>? classes = null,
        int maxDegreeOfParallelism = -1,
        CancellationToken cancellationToken = default)
    {
        classes ??= LensClasses.All;
        if (imagesPerClass < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(imagesPerClass), imagesPerClass, "Images per class must be at least 1.");
        }

        if (classes.Count == 0)
        {
            throw new ArgumentException("At least one class is needed.", nameof(classes));
        }

        var classIds = classes.Select(LensClasses.IdOf).ToArray();
        if (classIds.Distinct().Count() != classIds.Length)
        {
            throw new ArgumentException($"Classes repeat: {string.Join(", ", classes)}.", nameof(classes));
        }

        var pixels = (long)Channels * _renderer.PixelsPerChannel;
        var total = (long)imagesPerClass * classes.Count;
        if (total * pixels > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(imagesPerClass), imagesPerClass,
                $"{total} images of {pixels} values do not fit one array; ask for fewer images per class.");
        }

        var images = new float[total * pixels];
        var labels = new int[total];
        var truths = LensTruths.All.ToDictionary(name => name, _ => new double[total], StringComparer.Ordinal);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
        Parallel.For(
            0,
            (int)total,
            parallel,
            _renderer.CreateBuffers,
            (k, _, buffers) =>
            {
                var label = k / imagesPerClass;
                var index = k % imagesPerClass;
                labels[k] = label;
                var random = SeededRandom.Derive(seed, classIds[label], index);
                var scene = _sampler.Sample(classes[label], ref random);
                RecordTruth(scene, truths, k);
                _renderer.Render(scene, buffers, images.AsSpan((int)(k * pixels), (int)pixels));
                return buffers;
            },
            _ => { });

        return new LensDataset(images, labels, (int)total, Channels, Options.ImageSize, Options.ImageSize, classes.ToArray())
        {
            Truths = new LensTruths(truths),
        };
    }

    /// <summary>What a regression probe can be asked to recover from image <paramref name="k"/>.</summary>
    private static void RecordTruth(LensScene scene, Dictionary<string, double[]> truths, long k)
    {
        truths[LensTruths.ThetaE][k] = scene.MainLens.EinsteinRadius;
        truths[LensTruths.E1][k] = scene.MainLens.E1;
        truths[LensTruths.E2][k] = scene.MainLens.E2;
        truths[LensTruths.Gamma1][k] = scene.Shear.Gamma1;
        truths[LensTruths.Gamma2][k] = scene.Shear.Gamma2;
        truths[LensTruths.SourceX][k] = scene.Source.CenterX;
        truths[LensTruths.SourceY][k] = scene.Source.CenterY;
        truths[LensTruths.SubhaloCount][k] = scene.ClassName == LensClasses.Axion ? double.NaN : scene.Substructure.Count;
        truths[LensTruths.AxionMass][k] = scene.AxionMass ?? double.NaN;
    }

    /// <summary>The scene image <paramref name="index"/> of <paramref name="className"/> gets in <see cref="Generate"/> with this seed.</summary>
    public LensScene SampleScene(string className, int seed, int index)
    {
        var random = SeededRandom.Derive(seed, LensClasses.IdOf(className), index);
        return _sampler.Sample(className, ref random);
    }

    /// <summary>Renders one scene as C×H×W raw flux.</summary>
    public float[] Render(LensScene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        var image = new float[Channels * _renderer.PixelsPerChannel];
        _renderer.Render(scene, _renderer.CreateBuffers(), image);
        return image;
    }
}
