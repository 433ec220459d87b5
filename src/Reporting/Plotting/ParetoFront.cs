namespace LensSweep.Reporting.Plotting;

/// <summary>The compute/score trade-off: points no other point beats on both less compute and higher score.</summary>
public static class ParetoFront
{
    /// <returns>The front's points in order of increasing compute (and so increasing score).</returns>
    public static IReadOnlyList<(double Compute, double Score)> Of(IEnumerable<(double Compute, double Score)> points)
    {
        var front = new List<(double Compute, double Score)>();
        foreach (var point in points.OrderBy(p => p.Compute).ThenByDescending(p => p.Score))
        {
            if (front.Count == 0 || point.Score > front[^1].Score)
            {
                front.Add(point);
            }
        }

        return front;
    }
}
