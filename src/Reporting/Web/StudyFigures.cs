using LensSweep.Reporting.Plotting;
using LensSweep.Reporting.Studies;

namespace LensSweep.Reporting.Web;

/// <summary>The figures the study page shows: the console's scaling picture and trajectories, drawn by the same code.</summary>
public static class StudyFigures
{
    public const string Scaling = "scaling";
    public const string Trajectories = "trajectories";

    public static readonly IReadOnlyList<string> Names = [Scaling, Trajectories];

    /// <summary>Where the page finds a study's figure, relative to the page, versioned by the
    /// <see cref="ResultsStamp"/> of the results it is drawn from (<see cref="FigureRequests"/>).</summary>
    public static string Path(string studyId, string name, string stamp) =>
        $"api/studies/{Uri.EscapeDataString(studyId)}/{name}.svg?{FigureRequests.VersionParameter}={Uri.EscapeDataString(stamp)}";

    /// <returns>Null for a name that is not one of <see cref="Names"/>.</returns>
    public static Figure? Draw(string name, StudyResults results) => name switch
    {
        Scaling => ScalingPicture.Draw(results),
        Trajectories => TrajectoryPlot.Draw(results),
        _ => null,
    };
}
