namespace LensSweep.Models.Data.Npy;

/// <summary>
/// A numeric array read from a .npy file, converted to float32 in C (row-major) order.
/// </summary>
/// <param name="Shape">numpy's shape, outermost first.</param>
/// <param name="DType">The stored dtype as numpy wrote it (e.g. <c>&lt;f8</c>); for a pickled object array, the inner image's.</param>
/// <param name="Extras">
/// Numbers stored beside the image in a pickled object array: the axion mass in DeepLense's
/// <c>[image, mass]</c> files. Empty for plain arrays.
/// </param>
public sealed record NpyArray(int[] Shape, float[] Data, string DType, IReadOnlyList<double> Extras);
